package announce

import (
	"net/netip"

	"github.com/ocfnet/ocfnet/pkg/statefile"
)

const lockSuffix = ".lock"

// VIPLock is one VIP's own lock. Start holds it across holding the VIP
// and registering it, stop across unregistering, removing and poisoning
// it: a start and a stop of the same VIP never interleave, so neither can
// end "registered but not held". The registry's lock, taken inside it for
// each change, stays short, so other VIPs and the announcer are not held
// up by a stop's poison.
type VIPLock struct{ l *statefile.Lock }

// LockVIP takes vip's lock, waiting for its holder. A stop removes the
// file while it holds the lock: whoever waited on the removed file locks
// the current one (statefile.TakeLock).
func (r Registry) LockVIP(vip netip.Addr) (*VIPLock, error) {
	l, err := statefile.TakeLock(r.path(vip, lockSuffix), statefile.LockOptions{Create: true})
	if err != nil {
		return nil, err
	}
	return &VIPLock{l: l}, nil
}

// Release gives the lock up and leaves its file for the next start or stop.
func (l *VIPLock) Release() { l.l.Release() }

// Remove deletes the lock file, then releases it: stop leaves nothing of
// the VIP behind. Waiters notice the removal and lock afresh.
func (l *VIPLock) Remove() { _ = l.l.Remove() }
