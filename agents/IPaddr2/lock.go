package main

import (
	"errors"
	"net/netip"
	"os"

	"github.com/ocfnet/ocfnet/pkg/ocf"
	"github.com/ocfnet/ocfnet/pkg/statefile"
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
	if create {
		var err error
		if path, err = c.StatePath(lockName(ip)); err != nil {
			return nil, err
		}
	}
	l, err := statefile.TakeLock(path, statefile.LockOptions{Create: create})
	if err != nil {
		return nil, err
	}
	return l.Release, nil
}

// removeLock removes ip's lock file; stop calls it holding the lock, so
// a sender waiting for the lock finds it gone.
func removeLock(c *ocf.Context, ip netip.Addr) {
	if err := os.Remove(c.StateFile(lockName(ip))); err != nil && !errors.Is(err, os.ErrNotExist) {
		c.Log.Warnf("%v", err)
	}
}
