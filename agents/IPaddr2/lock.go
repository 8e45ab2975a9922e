package main

import (
	"fmt"

	"github.com/ocfnet/ocfnet/pkg/ocf"
	"golang.org/x/sys/unix"
)

// lockAnnouncements takes the lock that orders announcements against
// stop: the detached sender holds it while it checks that it may still
// announce the VIP and sends one packet; stop holds it while it ends the
// sender and removes the VIP; spawnGARP holds it from spawning the
// sender until its pid is recorded. So once stop has released it, no
// sender can send for the VIP again.
//
// The lock is the state directory itself (flock on a directory works
// like on a file): it exists whenever a sender may run, needs nothing
// written, and leaves nothing behind. Holders keep it for one netlink
// exchange and one packet, so the VIPs of a node sharing it costs nothing.
// The returned function releases it.
func lockAnnouncements(c *ocf.Context) (func(), error) {
	dir := c.StateFile("")
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	for {
		err = unix.Flock(fd, unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	return func() { unix.Close(fd) }, nil // closing releases the flock
}
