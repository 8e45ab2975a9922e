package main

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/garp"
	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/proc"
)

// Helpers of the fault-injection tests: agent runs that may be killed,
// the host's state as the invariants need it, and an ARP log ordered
// against the test's own actions.

// runKillable runs an action inside the node's namespace with extra
// environment env (OCFNET_IPADDR2_CRASH_AT, say), killing it with SIGKILL
// after killAfter when that is positive. It returns the exit code, -1 when
// the agent died of a signal.
func (n *node) runKillable(t *testing.T, env []string, killAfter time.Duration, action string, kv ...string) int {
	t.Helper()
	cmd := exec.Command("ip", "netns", "exec", n.ns.Name, agentBin, action)
	cmd.Env = append(os.Environ(), "HA_RSCTMP="+n.rsctmp)
	cmd.Env = append(cmd.Env, env...)
	for _, s := range kv {
		cmd.Env = append(cmd.Env, "OCF_RESKEY_"+s)
	}
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if killAfter > 0 {
		// ip netns exec execs the agent: the pid is the agent's.
		timer := time.AfterFunc(killAfter, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
		defer timer.Stop()
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s: %v", action, err)
	}
	return cmd.ProcessState.ExitCode()
}

// hostState is what of an IPaddr2 resource is on a node.
type hostState struct {
	held      bool // the VIP on the uplink with the expected prefix
	elsewhere []netip.Prefix
	loCopy    bool // the LVS /32 on lo
	label     bool // the VIP's address label
	senders   []int
	state     []string // files in HA_RSCTMP
}

func (n *node) state(t *testing.T, ip netip.Prefix, uplink string) hostState {
	t.Helper()
	var s hostState
	var err error
	n.ns.Do(t, func() {
		var h *netif.Host
		if h, err = netif.Open(); err != nil {
			return
		}
		defer h.Close()
		var addrs []netif.Addr
		if addrs, err = h.AddrsOf(ip.Addr()); err != nil {
			return
		}
		for _, a := range netif.Holding(addrs, ip.Addr(), 0, 0) {
			l, lerr := h.LinkByIndex(a.LinkIndex)
			switch {
			case lerr != nil:
				err = lerr
			case l.Name == uplink && a.Prefix == ip:
				s.held = true
			case l.Name == "lo" && a.Prefix.Bits() == loopbackHostBits:
				s.loCopy = true
			default:
				s.elsewhere = append(s.elsewhere, a.Prefix)
			}
		}
		if ip.Addr().Is6() {
			var labels map[netip.Prefix]uint32
			if labels, err = h.AddrLabels(); err == nil {
				_, s.label = labels[netip.PrefixFrom(ip.Addr(), ipv6Bits)]
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	s.senders = sendersOf(n.rsctmp, ip.Addr())
	entries, err := os.ReadDir(n.rsctmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		s.state = append(s.state, e.Name())
	}
	return s
}

// sendersOf returns the live detached senders of ip started with HA_RSCTMP
// rsctmp.
func sendersOf(rsctmp string, ip netip.Addr) []int {
	var out []int
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		args, err := proc.Args(pid)
		if err == nil && len(args) >= 3 && args[1] == garpAction && args[2] == ip.String() &&
			proc.Env(pid, "HA_RSCTMP") == rsctmp && proc.Alive(pid) {
			out = append(out, pid)
		}
	}
	return out
}

// arpLog records, in the order of arrival on a peer's interface, the
// sender addresses of ARP packets: the VIP's and the test's markers. A
// marker sent after an action returned arrives after every packet sent
// before it (the veth delivers each packet before the send returns), so
// the VIP's packets behind a marker were sent after the action returned:
// no timestamps, no scheduler in the verdict.
type arpLog struct {
	mu     sync.Mutex
	seen   []netip.Addr
	marker netip.Addr
	mark   *garp.Conn // on the node's side
	marks  int
}

func logARP(t *testing.T, node, peer *testnet.NS, nodeIf, peerIf string, marker netip.Addr) *arpLog {
	t.Helper()
	l := &arpLog{marker: marker}
	var rd *garp.Conn
	var err error
	peer.Do(t, func() { rd, err = garp.Dial(peerIf) })
	if err != nil {
		t.Fatal(err)
	}
	node.Do(t, func() { l.mark, err = garp.Dial(nodeIf) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rd.Close(); l.mark.Close() })
	go func() {
		for {
			p, _, err := rd.Read()
			if err != nil {
				return
			}
			l.mu.Lock()
			l.seen = append(l.seen, p.SenderIP)
			l.mu.Unlock()
		}
	}()
	return l
}

// markNow sends a marker and waits for it to arrive; it returns its
// position in the log.
func (l *arpLog) markNow(t *testing.T) int {
	t.Helper()
	req, err := garp.Request(l.mark.HardwareAddr(), l.marker)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.mark.WriteTo(req, garp.Broadcast); err != nil {
		t.Fatal(err)
	}
	l.marks++
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		l.mu.Lock()
		count, at := 0, -1
		for i, ip := range l.seen {
			if ip == l.marker {
				count++
				at = i
			}
		}
		l.mu.Unlock()
		if count == l.marks {
			return at
		}
	}
	t.Fatal("the marker never arrived")
	return 0
}

// between counts the packets for ip between two positions.
func (l *arpLog) between(ip netip.Addr, from, to int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.seen[from+1 : to] {
		if s == ip {
			n++
		}
	}
	return n
}
