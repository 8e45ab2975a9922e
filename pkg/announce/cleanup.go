package announce

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"time"

	"github.com/ocfnet/ocfnet/pkg/rip"
	"github.com/ocfnet/ocfnet/pkg/statefile"
)

// garbageAfter is how long an unusable entry file (unparsable, not a
// regular file, not named after its VIP) stays before the announcer
// removes it. Entries are written by an atomic rename, so such a file is
// never a write in progress: the delay only lets an operator see it in
// the log, and a probe of its VIP answer "something is left" (1) first.
const garbageAfter = 5 * time.Second

// registered returns the entries to announce this cycle and how many
// unusable files it still waits to remove; the announcer keeps running
// while either is left, and no longer. On the way it removes temp files
// of killed writers (statefile.CleanTemps), unusable entry files once they are
// garbageAfter old (as this announcer measures), and the entries of VIPs
// that this node no longer holds, which it poisons first (dropUnheld). The caller
// holds the registry lock.
func (a *Announcer) registered(now Mono) ([]Entry, int, error) {
	statefile.CleanTemps(a.Registry.Dir)
	entries, bad, err := a.Registry.listAll()
	if err != nil {
		return nil, 0, err
	}
	pending, gerr := a.dropGarbage(bad, now)
	entries, oerr := a.dropUnheld(entries, now)
	return entries, pending, errors.Join(gerr, oerr)
}

// dropGarbage removes the unusable entry files seen for garbageAfter and
// returns how many are still waiting. Each is reported once when first
// seen, once when removed.
func (a *Announcer) dropGarbage(bad []*BadEntryError, now Mono) (int, error) {
	seen := make(map[string]Mono, len(bad))
	pending := 0
	var errs []error
	for _, b := range bad {
		first, ok := a.garbage[b.Path]
		switch {
		case !ok:
			first = now
			a.logf("announce: %v: not announced; removed in %v unless it becomes valid", b, garbageAfter)
		case first < 0: // already given up on: it could not be removed
		case now.Sub(first) >= garbageAfter:
			if err := os.Remove(b.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, fmt.Errorf("removing unusable %s: %w", b.Path, err))
			} else {
				a.logf("announce: removed unusable %s", b.Path)
			}
			first = -1
		}
		if first >= 0 {
			pending++
		}
		seen[b.Path] = first
	}
	a.garbage = seen
	return pending, errors.Join(errs...)
}

// dropUnheld withdraws the entries whose VIP this node does not hold
// (checked with Held, by exact host address on any interface): announcing
// them would draw the VIP's traffic to a node that drops it. Start holds
// the VIP before it registers it and stop unregisters it before removing
// it, so a running resource never leaves such an entry; a stop that could
// not write the registry, a VIP removed by hand or a crash does. Each is
// poisoned (PoisonCount metric-16 datagrams, as stop sends) and
// unregistered within a cycle of the VIP's disappearance; one that cannot
// be unregistered is poisoned again each interval and never announced.
// When Held fails, nothing is dropped: better a route announced a cycle
// too long than every route withdrawn on a netlink hiccup.
func (a *Announcer) dropUnheld(entries []Entry, now Mono) ([]Entry, error) {
	if a.Held == nil || len(entries) == 0 {
		a.withdrawn = nil
		return entries, nil
	}
	held, err := a.Held()
	if err != nil {
		return entries, fmt.Errorf("checking which VIPs this node holds: %w", err)
	}
	kept := entries[:0]
	withdrawn := map[netip.Addr]Mono{}
	var errs []error
	for _, e := range entries {
		if held[e.VIP] {
			kept = append(kept, e)
			continue
		}
		if at, ok := a.withdrawn[e.VIP]; ok && now.Sub(at) < e.Interval {
			withdrawn[e.VIP] = at
			continue
		}
		b := Batch{Entry: e, Routes: []rip.Route{e.Route(rip.Infinity)}}
		for i := range e.PoisonCount {
			if i > 0 {
				time.Sleep(orphanPoisonGap)
			}
			errs = append(errs, SendBatch(a.Registry, a.Send, b, a.Clock.Now()))
		}
		if err := a.Registry.Delete(e.VIP); err != nil {
			withdrawn[e.VIP] = now
			errs = append(errs, fmt.Errorf("unregistering %v, which this node no longer holds: %w", e.VIP, err))
			continue
		}
		a.logf("announce: %v is no longer held on this node: withdrawn (metric 16) and unregistered", e.VIP)
	}
	a.withdrawn = withdrawn
	return kept, errors.Join(errs...)
}

func (a *Announcer) logf(format string, args ...any) {
	if a.Logf != nil {
		a.Logf(format, args...)
	}
}
