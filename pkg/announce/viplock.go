package announce

import (
	"net/netip"
	"os"
	"syscall"
)

const lockSuffix = ".lock"

// VIPLock is one VIP's own lock. Start holds it across holding the VIP
// and registering it, stop across unregistering, removing and poisoning
// it: a start and a stop of the same VIP never interleave, so neither can
// end "registered but not held". The registry's lock, taken inside it for
// each change, stays short, so other VIPs and the announcer are not held
// up by a stop's poison.
type VIPLock struct {
	f    *os.File
	path string
}

// LockVIP takes vip's lock, waiting for its holder.
func (r Registry) LockVIP(vip netip.Addr) (*VIPLock, error) {
	path := r.path(vip, lockSuffix)
	for {
		f, err := flock(path)
		if err != nil {
			return nil, err
		}
		// A stop removes the file while it holds the lock: whoever waited
		// on the removed file holds a lock nobody else can see, and must
		// lock the current one.
		if current(f, path) {
			return &VIPLock{f: f, path: path}, nil
		}
		f.Close()
	}
}

// current reports whether f is still the file at path.
func current(f *os.File, path string) bool {
	var held, named syscall.Stat_t
	if syscall.Fstat(int(f.Fd()), &held) != nil || syscall.Lstat(path, &named) != nil {
		return false
	}
	return held.Dev == named.Dev && held.Ino == named.Ino
}

// Release gives the lock up and leaves its file for the next start or stop.
func (l *VIPLock) Release() { l.f.Close() }

// Remove deletes the lock file, then releases it: stop leaves nothing of
// the VIP behind. Waiters notice the removal and lock afresh.
func (l *VIPLock) Remove() {
	os.Remove(l.path)
	l.f.Close()
}
