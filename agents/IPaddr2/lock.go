package main

import (
	"errors"
	"fmt"
	"net/netip"
	"os"

	"github.com/ocfnet/ocfnet/pkg/ocf"
	"golang.org/x/sys/unix"
)

func lockName(ip netip.Addr) string { return "ocfnet-IPaddr2-" + ip.String() + ".lock" }

// lockVIP takes ip's announcement lock, which orders announcements against
// stop: the detached sender holds it while it checks that it may still
// announce the VIP and sends one packet; stop holds it while it ends the
// senders and removes the VIP, and removes the lock file before letting
// go; spawnGARP holds it from spawning a sender until its pid is
// recorded. So once stop has returned, no sender can send for the VIP.
//
// The lock is a 0600 file of root's in the state directory, so no other
// user can open it, let alone hold it and stall stop. create is for the
// spawner and stop, which create the file if needed; a sender never
// creates it, and gets os.ErrNotExist when stop has removed it, also
// while the sender was waiting for it. The returned function releases the
// lock.
func lockVIP(c *ocf.Context, ip netip.Addr, create bool) (func(), error) {
	path := c.StateFile(lockName(ip))
	// Read-only is enough for flock, and works on a read-only state
	// directory too.
	flags := unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	if create {
		var err error
		if path, err = c.StatePath(lockName(ip)); err != nil {
			return nil, err
		}
		flags |= unix.O_CREAT
	}
	for {
		fd, err := unix.Open(path, flags, 0o600)
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		for {
			if err = unix.Flock(fd, unix.LOCK_EX); err != unix.EINTR {
				break
			}
		}
		if err != nil {
			unix.Close(fd)
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		// The file stop removed while this waited is no lock any more.
		var held, now unix.Stat_t
		if unix.Fstat(fd, &held) == nil && unix.Lstat(path, &now) == nil && held.Dev == now.Dev && held.Ino == now.Ino {
			return func() { unix.Close(fd) }, nil
		}
		unix.Close(fd)
		if !create {
			return nil, fmt.Errorf("lock %s: %w", path, os.ErrNotExist)
		}
	}
}

// removeLock removes ip's lock file; stop calls it holding the lock, so
// a sender waiting for the lock finds it gone.
func removeLock(c *ocf.Context, ip netip.Addr) {
	if err := os.Remove(c.StateFile(lockName(ip))); err != nil && !errors.Is(err, os.ErrNotExist) {
		c.Log.Warnf("%v", err)
	}
}
