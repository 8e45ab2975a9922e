package announce

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/ocfnet/ocfnet/pkg/rip"
)

// Owner is the Pacemaker executor (pacemaker-execd, pacemaker-remoted)
// that manages an entry: the one that ran its start, or the last one whose
// monitor found it running. A hand-run start (crm_resource --force-start,
// pcs resource debug-start, ocf-tester) records none.
type Owner struct {
	PID      int    `json:"pid"`
	Start    uint64 `json:"start"`              // start time, clock ticks after boot: tells a reused pid
	Node     string `json:"node,omitempty"`     // the node's name in the cluster
	Resource string `json:"resource,omitempty"` // OCF_RESOURCE_INSTANCE
}

// DefaultOwnerGrace is how long an owner may be gone before its routes
// are withdrawn. It covers pacemakerd respawning a crashed executor and
// the controller's probe adopting the entry (a few seconds); a stack
// stopped in maintenance mode is told by the configuration, not by time.
const DefaultOwnerGrace = 10 * time.Second

// OwnerWatch withdraws the routes of a node whose cluster stack is gone.
// pacemaker.service stops with KillMode=process: when Pacemaker dies the
// announcer lives on, and without fencing the node would keep attracting
// the VIP's traffic after a survivor took it over.
//
// An entry is dropped when its owner has not run for Grace while the
// cluster configuration saved on the node does not hold the resource as
// it is (maintenance mode, unmanaged: there nothing takes it over, and
// an upgrade that stops the stack must leave it running). Entries without
// an owner, started by hand, are never dropped.
type OwnerWatch struct {
	Grace time.Duration
	// Alive reports whether o still runs (exists, not a zombie, same
	// start time).
	Alive func(o Owner) bool
	// Unmanaged reports whether the cluster leaves o's resource as it
	// is, and why. An error (configuration unreadable) keeps the entry.
	Unmanaged func(o Owner) (bool, string, error)
	// Release removes what the entry holds on the node (the VIP address),
	// after the route was unregistered and poisoned.
	Release func(e Entry) error

	gone map[netip.Addr]Mono   // since when each entry's owner is gone (boot clock)
	held map[netip.Addr]string // entries kept as unmanaged, and why (logged once)
}

// verdict is what the watch decides for an entry at one cycle.
type verdict int

const (
	keep verdict = iota
	drop
)

// judge decides for e at now. why says what changed, for the log; it is
// empty when nothing worth logging happened.
func (w *OwnerWatch) judge(e Entry, now Mono) (v verdict, why string) {
	if w.gone == nil {
		w.gone, w.held = map[netip.Addr]Mono{}, map[netip.Addr]string{}
	}
	if e.Owner == nil || w.Alive(*e.Owner) {
		if _, was := w.gone[e.VIP]; was && e.Owner != nil {
			why = fmt.Sprintf("%s: adopted by the Pacemaker executor pid %d", e.VIP, e.Owner.PID)
		}
		delete(w.gone, e.VIP)
		delete(w.held, e.VIP)
		return keep, why
	}
	unmanaged, reason, err := w.Unmanaged(*e.Owner)
	if err != nil {
		unmanaged, reason = true, err.Error()
	}
	if unmanaged {
		// The grace starts again when the cluster manages it again.
		delete(w.gone, e.VIP)
		if w.held[e.VIP] != reason {
			why = fmt.Sprintf("%s: the Pacemaker executor pid %d is gone, but the route stays (%s)", e.VIP, e.Owner.PID, reason)
		}
		w.held[e.VIP] = reason
		return keep, why
	}
	delete(w.held, e.VIP)
	since, ok := w.gone[e.VIP]
	if !ok {
		w.gone[e.VIP] = now
		return keep, fmt.Sprintf("%s: the Pacemaker executor pid %d is gone: withdrawing the route in %v unless an executor adopts it",
			e.VIP, e.Owner.PID, w.Grace)
	}
	if now.Sub(since) < w.Grace {
		return keep, ""
	}
	delete(w.gone, e.VIP)
	return drop, fmt.Sprintf("%s: the cluster stack of this node is gone (Pacemaker executor pid %d for %v): route withdrawn, VIP released",
		e.VIP, e.Owner.PID, now.Sub(since).Round(time.Second))
}

// forget drops the watch's memory of VIPs no longer registered.
func (w *OwnerWatch) forget(entries []Entry) {
	seen := make(map[netip.Addr]bool, len(entries))
	for _, e := range entries {
		seen[e.VIP] = true
	}
	for vip := range w.gone {
		if !seen[vip] {
			delete(w.gone, vip)
		}
	}
	for vip := range w.held {
		if !seen[vip] {
			delete(w.held, vip)
		}
	}
}

// dropOrphans removes from entries, and from the node, those whose owner
// is gone for good: unregistered first (this cycle holds the registry
// lock, so nothing announces them again), then poisoned as stop does,
// then released. It returns the entries that stay.
func (a *Announcer) dropOrphans(entries []Entry) ([]Entry, error) {
	w := a.Owners
	if w == nil {
		return entries, nil
	}
	now := a.Clock.Mono()
	var kept []Entry
	var errs []error
	for _, e := range entries {
		v, why := w.judge(e, now)
		if why != "" && a.Logf != nil {
			a.Logf("%s", why)
		}
		if v == keep {
			kept = append(kept, e)
			continue
		}
		errs = append(errs, a.withdraw(e, a.Clock.Now()))
	}
	w.forget(kept)
	return kept, errors.Join(errs...)
}

// orphanPoisonGap spaces an orphan's poison announcements as stop does.
const orphanPoisonGap = time.Millisecond

// withdraw unregisters, poisons and releases e. The caller holds the lock.
func (a *Announcer) withdraw(e Entry, now time.Time) error {
	if err := a.Registry.Delete(e.VIP); err != nil {
		return fmt.Errorf("withdrawing %s: %w", e.VIP, err)
	}
	var errs []error
	b := Batch{Entry: e, Routes: []rip.Route{e.Route(rip.Infinity)}}
	for i := range e.PoisonCount {
		if i > 0 {
			time.Sleep(orphanPoisonGap)
		}
		errs = append(errs, SendBatch(a.Registry, a.Send, b, now))
	}
	if a.Owners.Release != nil {
		errs = append(errs, a.Owners.Release(e))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("withdrawing %s: %w", e.VIP, err)
	}
	return nil
}
