package main

import (
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mdlayher/arp"
	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/garp"
	"github.com/ocfnet/ocfnet/pkg/proc"
	"github.com/ocfnet/ocfnet/pkg/statefile"
)

// watcher records the ARP packets announcing an address seen on a peer,
// and the marks that tests put on the wire between them.
type watcher struct {
	mu    sync.Mutex
	seen  []arpSeen
	marks []int // for each mark seen: how many announcements came before it
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
			w.mu.Lock()
			switch {
			case p.SenderIP == ip:
				w.seen = append(w.seen, arpSeen{p.Operation, time.Now()})
			case p.SenderIP == netip.IPv4Unspecified() && p.TargetIP == markIP:
				w.marks = append(w.marks, len(w.seen))
			}
			w.mu.Unlock()
		}
	}()
	return w
}

// markIP is the address the marks probe for: nobody holds it.
var markIP = netip.MustParseAddr("192.168.60.254")

// mark puts a mark on the wire from ns's ifName (an RFC 5227 probe for
// markIP) and returns how many announcements the watcher saw before it,
// once it has seen it. A veth delivers frames in the order they were
// sent, so that count is exactly the announcements that left the node
// before mark was called, however late the watcher reads them: tests
// compare counts at marks instead of sleeping and reading timestamps.
func (w *watcher) mark(t *testing.T, ns *testnet.NS, ifName string) int {
	t.Helper()
	w.mu.Lock()
	n := len(w.marks)
	w.mu.Unlock()
	ns.Do(t, func() {
		conn, err := garp.Dial(ifName)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		probe, err := garp.ProbePacket(conn.HardwareAddr(), markIP)
		if err == nil {
			err = conn.WriteTo(probe, garp.Broadcast)
		}
		if err != nil {
			t.Fatal(err)
		}
	})
	var before int
	if !testnet.Eventually(10*time.Second, 2*time.Millisecond, func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		if len(w.marks) <= n {
			return false
		}
		before = w.marks[n]
		return true
	}) {
		t.Fatal("the peer never saw the mark")
	}
	return before
}

// wait returns the announcements once there are at least n, failing the
// test if that takes more than 10 s.
func (w *watcher) wait(t *testing.T, n int) []arpSeen {
	t.Helper()
	var got []arpSeen
	if !testnet.Eventually(10*time.Second, 2*time.Millisecond, func() bool {
		got = w.since(time.Time{})
		return len(got) >= n
	}) {
		t.Fatalf("%d ARP packets for the VIP after 10 s, want %d", len(got), n)
	}
	return got
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
// pair before start returns: exactly two announcements precede a mark put
// on the wire when start has returned (the sender's next pair comes a
// second after the first).
func TestLinuxARPOnTheWire(t *testing.T) {
	n, peer := oneLink(t)
	w := watch(t, peer, "eth0", netip.MustParseAddr(vip))
	n.must(t, "start", "ip="+vip, "arp_count=3", "arp_interval=1000")
	if first := w.mark(t, n.ns, "eth0"); first != 2 {
		t.Fatalf("%d announcements before start returned, want the first pair", first)
	}
	w.wait(t, 6)
	time.Sleep(200 * time.Millisecond) // room for a seventh, which must not come
	got := w.since(time.Time{})
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
	// The schedule itself is garp's TestAnnounce, on a virtual clock;
	// here only that the sender keeps an interval: the times are when the
	// watcher read the packets, half an interval is room for its delays.
	if gap := got[2].at.Sub(got[0].at); gap < 500*time.Millisecond {
		t.Errorf("second pair only %v after the first, want the 1 s interval", gap)
	}
	// A second start changes nothing and announces nothing.
	before := w.mark(t, n.ns, "eth0")
	n.must(t, "start", "ip="+vip, "arp_count=3", "arp_interval=1000")
	time.Sleep(100 * time.Millisecond) // room for a sender it should not have spawned
	if extra := w.mark(t, n.ns, "eth0") - before; extra != 0 {
		t.Errorf("a start of a running VIP sent %d ARP packets", extra)
	}
}

// TestLinuxStopEndsSender: after stop, no announcement of the VIP leaves the
// node, even with a long announcement train still under way.
func TestLinuxStopEndsSender(t *testing.T) {
	n, peer := oneLink(t)
	w := watch(t, peer, "eth0", netip.MustParseAddr(vip))
	n.must(t, "start", "ip="+vip, "arp_count=50", "arp_interval=100")
	pidfile := n.rsctmp + "/ocfnet-IPaddr2-" + vip + ".garp"
	pid, err := statefile.ReadPid(pidfile)
	if err != nil || pid == 0 || !proc.Alive(pid) {
		t.Fatalf("no detached sender running (pid %d, %v)", pid, err)
	}
	w.wait(t, 4) // the sender is announcing
	n.must(t, "stop", "ip="+vip)
	atStop := w.mark(t, n.ns, "eth0")
	time.Sleep(500 * time.Millisecond) // five intervals of a sender that survived
	if late := w.mark(t, n.ns, "eth0") - atStop; late != 0 {
		t.Errorf("%d announcements after stop returned", late)
	}
	if proc.Alive(pid) {
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
	out, errb, code := n.ns.RunEnv([]string{"HA_RSCTMP=" + n.rsctmp}, agentBin, "--ip", vip, "--arp-count", "2", "--arp_interval=40", "start")
	if code != 0 {
		t.Fatalf("start with flags: %d %s %s", code, out, errb)
	}
	w.wait(t, 4)
	time.Sleep(200 * time.Millisecond) // five intervals: room for a third pair, which must not come
	if got := w.mark(t, n.ns, "eth0"); got != 4 {
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
	quiet := w.mark(t, n.ns, "eth0")
	n.expect(t, 0, "monitor", "ip="+vip, recurring())
	time.Sleep(200 * time.Millisecond) // room for a detached sender it should not have spawned
	if got := w.mark(t, n.ns, "eth0") - quiet; got != 0 {
		t.Fatalf("monitor without arp_count_refresh sent %d packets", got)
	}
	refresh := w.mark(t, n.ns, "eth0")
	n.expect(t, 0, "monitor", "ip="+vip, "arp_count_refresh=2", "arp_interval=50", recurring())
	w.wait(t, refresh+4)
	time.Sleep(200 * time.Millisecond) // four intervals: room for a third pair, which must not come
	if got := w.mark(t, n.ns, "eth0") - refresh; got != 4 {
		t.Errorf("monitor with arp_count_refresh=2 sent %d packets, want 2 pairs", got)
	}
}
