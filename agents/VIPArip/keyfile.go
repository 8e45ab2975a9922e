package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// maxKeyLine bounds the first line of auth_key_file: far more than any RIP
// key (16 octets for simple and md5, a digest's length for hmac-sha), and
// little enough that a wrong file (a log, /dev/zero through a symlink)
// costs nothing to reject.
const maxKeyLine = 1024

// keyOf is the one rule both auth_key and auth_key_file follow: white
// space around the key is not part of it. The framework trims every
// parameter's value, auth_key included; a file's first line is trimmed
// the same way, so that a trailing blank or the CR of an editor, both
// invisible, cannot give the two a different digest (routers silently
// drop every datagram signed with the wrong key).
func keyOf(s []byte) []byte { return bytes.TrimSpace(s) }

// keyFile is what reading auth_key_file gave: the key, and a warning for
// the log when the file is more readable than a secret should be.
type keyFile struct {
	key  []byte
	warn string
}

// readKeyFile reads the key from path within ctx's deadline. The file is
// node-local: a missing or unusable one is 5 (ERR_INSTALLED), so Pacemaker
// tries a node whose file is right instead of banning the resource
// everywhere (6). Only a read that does not end in time is 1.
func readKeyFile(ctx context.Context, path string) (keyFile, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	type result struct {
		kf  keyFile
		err error
	}
	// A read of a regular file can still hang (a dead NFS server): the
	// action then fails in time, and the stuck read ends with the process.
	// The read function is taken before the goroutine starts: a test that
	// swaps readKeyLineFn back while a hung read is still starting would
	// race with it (go test -race saw it).
	read := readKeyLineFn
	done := make(chan result, 1)
	go func() {
		kf, err := read(path)
		done <- result{kf, err}
	}()
	select {
	case r := <-done:
		return r.kf, r.err
	case <-ctx.Done():
		return keyFile{}, ocf.Fail(ocf.ErrGeneric, "auth_key_file %s was not read within the action's timeout", path)
	}
}

// readKeyLineFn is readKeyLine, replaced in tests by a read that hangs.
var readKeyLineFn = readKeyLine

// readKeyLine returns the trimmed first line of path. It never opens
// anything but a regular file: stat (which follows a symlink to its end)
// decides before open, since opening a FIFO waits for a writer and opening
// some devices acts (a watchdog starts, a tape rewinds). A file that other
// users can write is refused (they could choose the key); one that they
// can read is used with a warning (the key is out, but refusing would
// turn that into an outage).
func readKeyLine(path string) (keyFile, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return keyFile{}, ocf.Fail(ocf.ErrInstalled, "auth_key_file %s does not exist on this node", path)
	}
	if err != nil {
		return keyFile{}, ocf.Fail(ocf.ErrInstalled, "auth_key_file %s cannot be read: %v", path, errors.Unwrap(err))
	}
	if !fi.Mode().IsRegular() {
		return keyFile{}, ocf.Fail(ocf.ErrInstalled, "auth_key_file %s is not a regular file (%s)", path, fileKind(fi.Mode()))
	}
	var kf keyFile
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 && int(st.Uid) != os.Geteuid() {
		return keyFile{}, ocf.Fail(ocf.ErrInstalled, "auth_key_file %s is owned by uid %d, not root", path, st.Uid)
	}
	switch perm := fi.Mode().Perm(); {
	case perm&0o022 != 0:
		return keyFile{}, ocf.Fail(ocf.ErrInstalled, "auth_key_file %s is writable by group or others (mode %04o)", path, perm)
	case perm&0o044 != 0:
		kf.warn = "auth_key_file " + path + " is readable by group or others: chmod 600 it"
	}
	// O_NONBLOCK: should path have become a FIFO since the stat, open
	// does not wait for a writer; the fstat below then refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return keyFile{}, ocf.Fail(ocf.ErrInstalled, "auth_key_file %s cannot be read: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	if ofi, err := f.Stat(); err != nil || !os.SameFile(fi, ofi) {
		return keyFile{}, ocf.Fail(ocf.ErrInstalled, "auth_key_file %s changed while it was opened", path)
	}
	// The line, its CR LF, and one octet more to tell "too long" from
	// "exactly at the limit, then EOF".
	buf := make([]byte, maxKeyLine+3)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return keyFile{}, ocf.Fail(ocf.ErrInstalled, "auth_key_file %s cannot be read: %v", path, errors.Unwrap(err))
	}
	line := buf[:n]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > maxKeyLine {
		return keyFile{}, ocf.Fail(ocf.ErrInstalled, "auth_key_file %s: the first line is longer than %d octets", path, maxKeyLine)
	}
	kf.key = keyOf(line)
	if len(kf.key) == 0 {
		return keyFile{}, ocf.Fail(ocf.ErrInstalled, "auth_key_file %s: the first line holds no key", path)
	}
	return kf, nil
}

// fileKind names a non-regular file's type for an exit reason.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "a special file"
}
