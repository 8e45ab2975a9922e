package announce

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/pkg/rip"
)

// ownerStep is one announcer cycle after advancing the clock by after,
// with the owner alive or not and the cluster configuration saying
// unmanaged (or failing to be read).
type ownerStep struct {
	after     time.Duration
	alive     bool
	unmanaged bool
	cibErr    bool
	adoptBy   int // if set, a monitor of a new executor with this pid adopts the entry before the cycle
	dropped   bool
}

func TestOwnerWatch(t *testing.T) {
	const grace = 10 * time.Second
	gone, alive := ownerStep{after: time.Second}, ownerStep{after: time.Second, alive: true}
	tests := []struct {
		name   string
		owned  bool
		steps  []ownerStep
		detail string // a log line that must appear
	}{
		{name: "owner alive: kept forever", owned: true,
			steps: []ownerStep{alive, {after: time.Hour, alive: true}, {after: 24 * time.Hour, alive: true}}},
		{name: "owner gone: dropped after the grace", owned: true,
			steps:  []ownerStep{alive, gone, {after: grace - time.Second}, {after: time.Second, dropped: true}},
			detail: "cluster stack of this node is gone"},
		{name: "owner gone less than the grace: kept", owned: true,
			steps: []ownerStep{gone, {after: grace - time.Millisecond}}},
		{name: "hand run (no owner): never dropped", owned: false,
			steps: []ownerStep{gone, {after: grace}, {after: time.Hour}, {after: 24 * time.Hour}}},
		{name: "maintenance mode, stack stopped: kept", owned: true,
			steps:  []ownerStep{{after: time.Second, unmanaged: true}, {after: grace, unmanaged: true}, {after: time.Hour, unmanaged: true}},
			detail: "the route stays (maintenance-mode=true)"},
		{name: "configuration unreadable: kept", owned: true,
			steps:  []ownerStep{{after: time.Second, cibErr: true}, {after: time.Hour, cibErr: true}},
			detail: "the route stays (cib.xml: unreadable)"},
		{name: "maintenance ends: the grace starts then", owned: true,
			steps: []ownerStep{{after: time.Second, unmanaged: true}, {after: time.Hour, unmanaged: true},
				gone, {after: grace - time.Second}, {after: time.Second, dropped: true}}},
		{name: "restarted stack adopts before the grace ends", owned: true,
			steps:  []ownerStep{gone, {after: grace - time.Second, adoptBy: 777, alive: true}, {after: time.Hour, alive: true}},
			detail: "adopted by the Pacemaker executor pid 777"},
		{name: "adopted, then the new stack dies too", owned: true,
			steps: []ownerStep{gone, {after: grace / 2, adoptBy: 777, alive: true}, {after: grace / 2},
				{after: grace - time.Second}, {after: time.Second, dropped: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := entry(1)
			e.PoisonCount = 3
			if tt.owned {
				e.Owner = &Owner{PID: 110, Start: 60, Node: "nA", Resource: "rvip"}
			}
			other := entry(2) // a hand-run route that must never be touched
			a, rec, clk := setup(t, e, other)
			var logs []string
			a.Logf = func(format string, args ...any) {
				logs = append(logs, fmt.Sprintf(format, args...))
			}
			var step ownerStep
			var released []netip.Addr
			a.Owners = &OwnerWatch{
				Grace: grace,
				Alive: func(o Owner) bool { return step.alive },
				Unmanaged: func(o Owner) (bool, string, error) {
					if step.cibErr {
						return false, "", errors.New("cib.xml: unreadable")
					}
					return step.unmanaged, "maintenance-mode=true", nil
				},
				Release: func(e Entry) error { released = append(released, e.VIP); return nil },
			}
			for i, s := range tt.steps {
				step = s
				clk.advance(s.after)
				if s.adoptBy != 0 {
					adopt(t, a.Registry, e.VIP, Owner{PID: s.adoptBy, Start: 99})
				}
				rec.take()
				if _, _, err := a.Cycle(); err != nil {
					t.Fatal(err)
				}
				got, err := a.Registry.Get(e.VIP)
				if err != nil {
					t.Fatal(err)
				}
				poisons := 0
				for _, d := range rec.take() {
					for _, r := range d.parsed.Routes {
						if r.Prefix.Addr() == e.VIP && r.Metric == rip.Infinity {
							poisons++
						}
					}
				}
				if s.dropped {
					if got != nil || poisons != 3 || len(released) != 1 || released[0] != e.VIP {
						t.Fatalf("step %d: registered %v, %d poisons, released %v; want unregistered, 3 poisons, released", i, got != nil, poisons, released)
					}
					break
				}
				if got == nil || poisons != 0 || len(released) != 0 {
					t.Fatalf("step %d: registered %v, %d poisons, released %v; want kept", i, got != nil, poisons, released)
				}
			}
			if o, _ := a.Registry.Get(other.VIP); o == nil {
				t.Error("the hand-run route was dropped")
			}
			if tt.detail != "" && !strings.Contains(strings.Join(logs, "\n"), tt.detail) {
				t.Errorf("log lacks %q:\n%s", tt.detail, strings.Join(logs, "\n"))
			}
		})
	}
}

// adopt is what a monitor run by a new executor does to the entry.
func adopt(t *testing.T, reg Registry, vip netip.Addr, o Owner) {
	t.Helper()
	unlock, err := reg.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	e, err := reg.Get(vip)
	if err != nil || e == nil {
		t.Fatalf("adopting %v: %v %v", vip, e, err)
	}
	e.Owner = &o
	if err := reg.Put(*e); err != nil {
		t.Fatal(err)
	}
}

// TestOwnerWatchLastEntry: withdrawing the last route empties the
// registry, and the announcer exits at that very cycle's end.
func TestOwnerWatchLastEntry(t *testing.T) {
	e := entry(1)
	e.Owner = &Owner{PID: 110, Start: 60}
	a, _, clk := setup(t, e)
	emptied := false
	a.OnEmpty = func() { emptied = true }
	a.Owners = &OwnerWatch{Grace: time.Second, Alive: func(Owner) bool { return false },
		Unmanaged: func(Owner) (bool, string, error) { return false, "", nil }}
	if _, n, err := a.Cycle(); n != 1 || err != nil {
		t.Fatalf("first cycle: %d routes, %v", n, err)
	}
	clk.advance(time.Second)
	if _, n, err := a.Cycle(); n != 0 || err != nil || !emptied {
		t.Fatalf("after the grace: %d routes, %v, OnEmpty ran %v; want 0, nil, true", n, err, emptied)
	}
}
