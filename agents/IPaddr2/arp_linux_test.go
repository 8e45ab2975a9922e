package main

import (
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mdlayher/arp"
	"github.com/ocfnet/ocfnet/pkg/garp"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"github.com/ocfnet/ocfnet/pkg/testnet"
)

// watcher records the ARP packets announcing an address seen on a peer.
type watcher struct {
	mu   sync.Mutex
	seen []arpSeen
}

type arpSeen struct {
	op arp.Operation
	at time.Time
}

func watch(t *testing.T, ns *testnet.NS, ifName string, ip netip.Addr) *watcher {
	t.Helper()
	var conn *garp.Conn
	ns.Do(t, func() {
		var err error
		if conn, err = garp.Dial(ifName); err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() { conn.Close() })
	w := &watcher{}
	go func() {
		for {
			p, _, err := conn.Read()
			if err != nil {
				return
			}
			if p.SenderIP == ip {
				w.mu.Lock()
				w.seen = append(w.seen, arpSeen{p.Operation, time.Now()})
				w.mu.Unlock()
			}
		}
	}()
	return w
}

func (w *watcher) since(t time.Time) []arpSeen {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []arpSeen
	for _, s := range w.seen {
		if s.at.After(t) {
			out = append(out, s)
		}
	}
	return out
}

// TestLinuxARPOnTheWire: arp_count pairs, request then reply, the first
// pair before start returns. With a 1 s interval the sender's next pair
// comes a second later, so whatever the peer holds 300 ms after start
// returned was sent by start itself.
func TestLinuxARPOnTheWire(t *testing.T) {
	n, peer := oneLink(t)
	w := watch(t, peer, "eth0", netip.MustParseAddr(vip))
	began := time.Now()
	n.must(t, "start", "ip="+vip, "arp_count=3", "arp_interval=1000")
	time.Sleep(300 * time.Millisecond)
	if first := w.since(began); len(first) != 2 || first[0].op != arp.OperationRequest || first[1].op != arp.OperationReply {
		t.Fatalf("want the first pair (request, reply) sent by start, got %v", first)
	}
	time.Sleep(2600 * time.Millisecond) // the last reply leaves at 2.5 s
	got := w.since(began)
	if len(got) != 6 {
		t.Fatalf("%d ARP packets for the VIP, want 3 pairs", len(got))
	}
	for i, s := range got {
		want := arp.OperationRequest
		if i%2 == 1 {
			want = arp.OperationReply
		}
		if s.op != want {
			t.Errorf("packet %d is %v, want %v", i, s.op, want)
		}
	}
	if gap := got[2].at.Sub(got[0].at); gap < 900*time.Millisecond {
		t.Errorf("second pair only %v after the first, want the 1 s interval", gap)
	}
	// A second start changes nothing and announces nothing.
	again := time.Now()
	n.must(t, "start", "ip="+vip, "arp_count=3", "arp_interval=1000")
	time.Sleep(100 * time.Millisecond)
	if extra := w.since(again); len(extra) != 0 {
		t.Errorf("a start of a running VIP sent %d ARP packets", len(extra))
	}
}

// TestLinuxStopEndsSender: after stop, no announcement of the VIP leaves the
// node, even with a long announcement train still under way.
func TestLinuxStopEndsSender(t *testing.T) {
	n, peer := oneLink(t)
	w := watch(t, peer, "eth0", netip.MustParseAddr(vip))
	n.must(t, "start", "ip="+vip, "arp_count=50", "arp_interval=100")
	pidfile := n.rsctmp + "/ocfnet-IPaddr2-" + vip + ".garp"
	pid, err := ocf.ReadPidFile(pidfile)
	if err != nil || pid == 0 || !ocf.ProcAlive(pid) {
		t.Fatalf("no detached sender running (pid %d, %v)", pid, err)
	}
	time.Sleep(250 * time.Millisecond)
	if len(w.since(time.Time{})) < 4 {
		t.Fatalf("sender not announcing: %d packets", len(w.since(time.Time{})))
	}
	n.must(t, "stop", "ip="+vip)
	stopped := time.Now()
	time.Sleep(500 * time.Millisecond)
	if late := w.since(stopped); len(late) != 0 {
		t.Errorf("%d announcements after stop returned", len(late))
	}
	if ocf.ProcAlive(pid) {
		t.Errorf("sender %d still alive after stop", pid)
	}
	if _, err := os.Stat(pidfile); err == nil {
		t.Error("pidfile left after stop")
	}
}

// TestLinuxRunARPing: with run_arping, start fails on an address another
// host answers for, and changes nothing.
func TestLinuxRunARPing(t *testing.T) {
	n, peer := oneLink(t)
	peer.IP(t, "addr", "add", vip+"/24", "dev", "eth0")
	r := n.expect(t, 1, "start", "ip="+vip, "run_arping=true")
	if rs := r.reasons(); len(rs) != 1 || !strings.Contains(rs[0], "collision") || !strings.Contains(rs[0], peer.MAC(t, "eth0")) {
		t.Errorf("exit reason %q, want the collision and the other host's MAC", rs)
	}
	if n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatal("start with a duplicate left the VIP configured")
	}
	peer.IP(t, "addr", "del", vip+"/24", "dev", "eth0")
	n.must(t, "start", "ip="+vip, "run_arping=true", "arp_count=1")
	if !n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatal("start without a duplicate did not add the VIP")
	}
}

// TestLinuxNetworkNamespace: the agent, run in the root namespace, manages
// the VIP inside network_namespace and touches nothing outside it.
func TestLinuxNetworkNamespace(t *testing.T) {
	n, _ := oneLink(t)
	rootBefore, _ := os.ReadFile("/proc/net/fib_trie")
	p := []string{"ip=" + vip, "network_namespace=" + n.ns.Name, "arp_count=2", "arp_interval=20"}
	run := func(action string) result {
		t.Helper()
		out, errb, code := runRoot(t, n.rsctmp, action, p...)
		return result{code: code, stdout: out, stderr: errb}
	}
	if r := run("start"); r.code != 0 {
		t.Fatalf("start: %d %s", r.code, r.stderr)
	}
	if !n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatal("VIP not added inside the namespace")
	}
	if r := run("monitor"); r.code != 0 {
		t.Errorf("monitor: %d %s", r.code, r.stderr)
	}
	if r := run("stop"); r.code != 0 || n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Errorf("stop: %d %s", r.code, r.stderr)
	}
	if rootAfter, _ := os.ReadFile("/proc/net/fib_trie"); string(rootAfter) != string(rootBefore) {
		t.Error("the root namespace's addresses changed")
	}
}

// TestLinuxFlags: by hand, with flags instead of OCF_RESKEY_ variables;
// the detached sender gets the flag values too.
func TestLinuxFlags(t *testing.T) {
	n, peer := oneLink(t)
	w := watch(t, peer, "eth0", netip.MustParseAddr(vip))
	began := time.Now()
	out, errb, code := n.ns.RunEnv([]string{"HA_RSCTMP=" + n.rsctmp}, agentBin, "--ip", vip, "--arp-count", "2", "--arp_interval=40", "start")
	if code != 0 {
		t.Fatalf("start with flags: %d %s %s", code, out, errb)
	}
	time.Sleep(200 * time.Millisecond)
	if got := len(w.since(began)); got != 4 {
		t.Errorf("%d ARP packets, want 2 pairs from --arp-count 2", got)
	}
	n.expect(t, 0, "monitor", "ip="+vip)
	if _, _, code := n.ns.RunEnv([]string{"HA_RSCTMP=" + n.rsctmp}, agentBin, "stop", "--ip", vip); code != 0 || n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Errorf("stop with flags: %d", code)
	}
}

// TestLinuxARPRefresh: arp_count_refresh announcements after each
// successful monitor, none without it.
func TestLinuxARPRefresh(t *testing.T) {
	n, peer := oneLink(t)
	w := watch(t, peer, "eth0", netip.MustParseAddr(vip))
	n.must(t, "start", "ip="+vip, "arp_count=1")
	time.Sleep(100 * time.Millisecond)
	quiet := time.Now()
	n.expect(t, 0, "monitor", "ip="+vip, recurring())
	time.Sleep(200 * time.Millisecond)
	if got := len(w.since(quiet)); got != 0 {
		t.Fatalf("monitor without arp_count_refresh sent %d packets", got)
	}
	refresh := time.Now()
	n.expect(t, 0, "monitor", "ip="+vip, "arp_count_refresh=2", "arp_interval=50", recurring())
	time.Sleep(300 * time.Millisecond)
	if got := len(w.since(refresh)); got != 4 {
		t.Errorf("monitor with arp_count_refresh=2 sent %d packets, want 2 pairs", got)
	}
}
