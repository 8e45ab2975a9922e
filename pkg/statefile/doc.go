// Package statefile is the one home of the agents' node-local state files:
// the directory they live in (SafeDir), how they are written (Write:
// atomic, 0600, never through a symbolic link), how they are read (Read:
// strict, bounded, never through a link or from a FIFO; ReadJSON: strict
// decoding, a missing file is nil), pid files and flock-based lock files.
//
// Every action may be killed at any instant, so a reader never sees a
// half-written file, and the state directory is refused when another user
// could plant or replace what is in it.
package statefile
