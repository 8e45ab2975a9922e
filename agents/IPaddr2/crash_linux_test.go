package main

import (
	"math/rand/v2"
	"net/netip"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
)

// faultVariant is one resource definition the fault-injection suite
// kills: its points are the crash points start passes with it.
type faultVariant struct {
	name   string
	prefix netip.Prefix // the VIP as start must configure it
	params []string
	lvs    bool // an LVS copy on lo, removed while running
	points []string
	arp    bool // IPv4: check the wire for ARP after stop
	dad    bool // IPv6 duplicate address detection takes its second: no random kills
}

// TestLinuxFaultInjection kills start and stop with SIGKILL, as
// Pacemaker's timeout does, at each crash point and at random instants,
// then checks the invariants: the next probe tells the truth (7 only
// when nothing of the resource is on the node, 0 only when it fully
// runs, else 1); the next stop returns 0 and leaves nothing (no VIP, the
// LVS copy back on lo, no address label, no sender, not a file in
// HA_RSCTMP); no ARP packet for the VIP leaves between a stop's return
// and the next start; and a start then returns 0 with the VIP held.
// The random instants come from a seeded generator: the seed is logged,
// and OCFNET_FAULT_SEED replays a run.
func TestLinuxFaultInjection(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("OCFNET_FAULT_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("OCFNET_FAULT_SEED=%d", seed)
	rng := rand.New(rand.NewPCG(seed, seed>>1))
	const randomKills = 20 // of start, and as many of stop, per variant
	variants := []faultVariant{
		{"IPv4", netip.MustParsePrefix(vip + "/24"), []string{"ip=" + vip}, false,
			[]string{"recorded", "added", "spawned", "announced"}, true, false},
		{"IPv4 lvs_support", netip.MustParsePrefix(vip + "/24"), []string{"ip=" + vip, "lvs_support=true"}, true,
			[]string{"recorded", "loopback-removed", "added", "spawned", "announced"}, true, false},
		{"IPv6", netip.MustParsePrefix(vip6 + "/64"), []string{"ip=" + vip6}, false,
			[]string{"recorded", "labelled", "added", "spawned", "announced"}, false, false},
		// Killed while the VIP is tentative.
		{"IPv6 DAD", netip.MustParsePrefix(vip6 + "/64"), []string{"ip=" + vip6}, false,
			[]string{"added"}, false, true},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			f := newFaults(t, v)
			for _, p := range v.points {
				f.killStart(t, "at "+p, []string{"OCFNET_IPADDR2_CRASH_AT=" + p}, 0)
				f.restartAfterKill(t, p)
			}
			if v.dad {
				return
			}
			f.killStop(t, "at removed", []string{"OCFNET_IPADDR2_CRASH_AT=removed"}, 0)
			startTook, stopTook := f.measure(t)
			for range randomKills {
				d := time.Duration(rng.Int64N(int64(startTook + startTook/4)))
				f.killStart(t, "after "+d.String(), nil, d)
				d = time.Duration(rng.Int64N(int64(stopTook + stopTook/4)))
				f.killStop(t, "after "+d.String(), nil, d)
			}
			f.quietSinceStop(t)
		})
	}
}

// faults is one variant's node, peer and ARP log.
type faults struct {
	v       faultVariant
	n       *node
	log     *arpLog
	stopped int // the log position of the last stop's return
}

func newFaults(t *testing.T, v faultVariant) *faults {
	var n *node
	var peer *testnet.NS
	if v.prefix.Addr().Is4() {
		n, peer = oneLink(t)
	} else if n, peer = oneLink6(t); !v.dad {
		// Start waits for the kernel's verdict on duplicates, which
		// without accept_dad comes at the first look.
		n.ns.Run(t, "sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=0")
	}
	if v.lvs {
		n.ns.IP(t, "addr", "add", v.prefix.Addr().String()+"/32", "dev", "lo")
	}
	// Several pairs from the detached sender, so kills find it at work.
	v.params = append(v.params, "arp_count=4", "arp_interval=40")
	f := &faults{v: v, n: n}
	if v.arp {
		f.log = logARP(t, n.ns, peer, "eth0", "eth0", netip.MustParseAddr("192.168.60.250"))
		f.stopped = f.log.markNow(t)
	}
	return f
}

// measure times one full start and stop: the random kills fall within.
func (f *faults) measure(t *testing.T) (start, stop time.Duration) {
	t.Helper()
	f.quietSinceStop(t)
	began := time.Now()
	f.n.must(t, "start", f.v.params...)
	start = time.Since(began)
	began = time.Now()
	f.n.must(t, "stop", f.v.params...)
	stop = time.Since(began)
	f.checkStopped(t, "measuring")
	return start, stop
}

// killStart kills a start of a stopped resource, then checks the probe,
// a stop, a start and a stop.
func (f *faults) killStart(t *testing.T, how string, env []string, after time.Duration) {
	t.Helper()
	f.quietSinceStop(t)
	code := f.n.runKillable(t, env, after, "start", f.v.params...)
	if env != nil && code != -1 {
		t.Fatalf("start %s: not killed (code %d)", how, code)
	}
	f.afterKill(t, "start killed "+how)
	f.fullCycle(t, "start killed "+how)
}

// restartAfterKill kills a start at point, then starts again at once,
// as Pacemaker may after a failed start on the same node: the new start
// must take over what the killed one did (the LVS copy it removed, the
// label it added), so that one stop undoes all of it.
func (f *faults) restartAfterKill(t *testing.T, point string) {
	t.Helper()
	f.quietSinceStop(t)
	what := "start killed at " + point + ", then start"
	if code := f.n.runKillable(t, []string{"OCFNET_IPADDR2_CRASH_AT=" + point}, 0, "start", f.v.params...); code != -1 {
		t.Fatalf("%s: not killed (code %d)", what, code)
	}
	if r := f.n.run(t, "start", f.v.params...); r.code != 0 {
		t.Fatalf("%s: %d\n%s", what, r.code, r.stderr)
	}
	if s := f.n.state(t, f.v.prefix, "eth0"); !s.held || f.v.lvs && s.loCopy {
		t.Errorf("%s: %+v", what, s)
	}
	f.n.must(t, "stop", f.v.params...)
	f.checkStopped(t, what+" and stop")
}

// killStop kills a stop of a running resource, then checks the probe and
// a stop.
func (f *faults) killStop(t *testing.T, how string, env []string, after time.Duration) {
	t.Helper()
	f.quietSinceStop(t)
	f.n.must(t, "start", f.v.params...)
	code := f.n.runKillable(t, env, after, "stop", f.v.params...)
	if env != nil && code != -1 {
		t.Fatalf("stop %s: not killed (code %d)", how, code)
	}
	f.afterKill(t, "stop killed "+how)
}

// afterKill checks the probe's truth, then that stop cleans up.
func (f *faults) afterKill(t *testing.T, what string) {
	t.Helper()
	code := f.n.run(t, "monitor", f.v.params...).code
	s := f.n.state(t, f.v.prefix, "eth0")
	clean := !s.held && len(s.elsewhere) == 0 && s.loCopy == f.v.lvs && !s.label
	switch {
	case code == 7 && !clean:
		t.Errorf("%s: probe 7 (not running) with %+v on the node", what, s)
	case code == 0 && (!s.held || f.v.lvs && s.loCopy):
		t.Errorf("%s: probe 0 (running) with %+v", what, s)
	case code == 1 && clean:
		t.Errorf("%s: probe 1 on a clean node (%+v)", what, s)
	case code != 0 && code != 1 && code != 7:
		t.Errorf("%s: probe %d", what, code)
	}
	if r := f.n.run(t, "stop", f.v.params...); r.code != 0 {
		t.Fatalf("%s: stop %d\n%s", what, r.code, r.stderr)
	}
	f.checkStopped(t, what)
}

// fullCycle starts and stops the resource, checking both.
func (f *faults) fullCycle(t *testing.T, what string) {
	t.Helper()
	f.quietSinceStop(t)
	if r := f.n.run(t, "start", f.v.params...); r.code != 0 {
		t.Fatalf("%s, then start: %d\n%s", what, r.code, r.stderr)
	}
	if s := f.n.state(t, f.v.prefix, "eth0"); !s.held || f.v.lvs && s.loCopy {
		t.Errorf("%s, then start: %+v", what, s)
	}
	f.n.expect(t, 0, "monitor", f.v.params...)
	f.n.must(t, "stop", f.v.params...)
	f.checkStopped(t, what+", then start and stop")
}

// checkStopped checks what a stop that returned 0 must leave, and marks
// the ARP log.
func (f *faults) checkStopped(t *testing.T, what string) {
	t.Helper()
	if f.log != nil {
		f.stopped = f.log.markNow(t)
	}
	s := f.n.state(t, f.v.prefix, "eth0")
	if s.held || len(s.elsewhere) > 0 || s.loCopy != f.v.lvs || s.label || len(s.senders) > 0 || len(s.state) > 0 {
		t.Errorf("%s: after stop returned 0: %+v", what, s)
	}
}

// quietSinceStop checks that no ARP packet for the VIP arrived since the
// last stop returned.
func (f *faults) quietSinceStop(t *testing.T) {
	t.Helper()
	if f.log == nil {
		return
	}
	now := f.log.markNow(t)
	if n := f.log.between(f.v.prefix.Addr(), f.stopped, now); n > 0 {
		t.Errorf("%d ARP packets for the VIP after stop returned", n)
	}
	f.stopped = now
}
