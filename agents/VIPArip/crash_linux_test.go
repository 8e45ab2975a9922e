package main

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/proc"
	"github.com/ocfnet/ocfnet/pkg/rip"
	"golang.org/x/sys/unix"
)

// listenRIP makes the router a member of the RIPv2 group on the servers'
// links, as a RIP router is, so that the kernel accepts the
// announcements and a capture sees them, without running one.
func listenRIP(t testing.TB, l *lab) *testnet.Capture {
	t.Helper()
	c := l.router.CaptureUDP(t, rip.Port)
	var fd int
	var err error
	l.router.Do(t, func() {
		if fd, err = unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0); err != nil {
			return
		}
		for _, name := range []string{"eth0", "eth1"} {
			var ifi *net.Interface
			if ifi, err = net.InterfaceByName(name); err != nil {
				return
			}
			mreq := &unix.IPMreqn{Multiaddr: ripv2Group.As4(), Ifindex: int32(ifi.Index)}
			if err = unix.SetsockoptIPMreqn(fd, unix.IPPROTO_IP, unix.IP_ADD_MEMBERSHIP, mreq); err != nil {
				return
			}
		}
	})
	if err != nil {
		t.Fatalf("joining 224.0.0.9 in the router: %v", err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return c
}

// sighting is one announcement of a VIP's route captured at the router.
type sighting struct {
	at     time.Time
	metric uint32
}

// sightings returns the announcements of ip's route from src captured
// after since, in arrival order.
func sightings(c *testnet.Capture, src, ip string, since time.Time) []sighting {
	from, want := netip.MustParseAddr(src), netip.MustParseAddr(ip)
	var out []sighting
	for _, pkt := range c.Since(since) {
		m, err := rip.Parse(pkt.Payload)
		if err != nil || pkt.Src != from {
			continue
		}
		for _, r := range m.Routes {
			if r.Prefix.Addr() == want {
				out = append(out, sighting{pkt.At, r.Metric})
			}
		}
	}
	return out
}

// awaitMetric checks that an announcement of ip's route from src with
// metric arrived at the router within `within` after since, by the
// kernel's arrival time: the test may read its capture late under load,
// so it waits for it a few seconds longer.
func awaitMetric(t testing.TB, c *testnet.Capture, src, ip string, metric uint32, since time.Time, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within + 5*time.Second); ; time.Sleep(10 * time.Millisecond) {
		for _, s := range sightings(c, src, ip, since) {
			if s.metric != metric {
				continue
			}
			if took := s.at.Sub(since); took > within {
				t.Fatalf("%s: metric %d from %s arrived %v after %s, not within %v", ip, metric, src, took, since.Format("15:04:05.000"), within)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no announcement with metric %d from %s within %v; seen %v", ip, metric, src, within, sightings(c, src, ip, since))
		}
	}
}

// checkWithdrawn checks that ip's route was poisoned after since and never
// announced with a lower metric after its first poison.
func checkWithdrawn(t testing.TB, c *testnet.Capture, src, ip string, since time.Time) {
	t.Helper()
	ss := sightings(c, src, ip, since)
	for i, s := range ss {
		if s.metric != rip.Infinity {
			continue
		}
		for _, late := range ss[i+1:] {
			if late.metric < rip.Infinity {
				t.Errorf("%s announced with metric %d at %s, after its poison at %s", ip, late.metric,
					late.at.Format("15:04:05.000"), s.at.Format("15:04:05.000"))
			}
		}
		return
	}
	t.Errorf("%s: no poison after %s (seen %v)", ip, since.Format("15:04:05.000"), ss)
}

// left is what is on node n of ip's resource.
type left struct {
	held  bool     // the VIP on any interface
	files []string // its files in the registry (entry, send stamp, temp files)
	lock  bool     // its lock file
}

func (l left) nothing() bool { return !l.held && len(l.files) == 0 }

func (l left) String() string {
	return fmt.Sprintf("held %v, files %v, lock %v", l.held, l.files, l.lock)
}

// registryDir is the node's registry directory.
func (n *node) registryDir() string { return filepath.Join(n.rsctmp, "ocfnet-VIPArip") }

func (n *node) left(t testing.TB, ip string) left {
	t.Helper()
	var l left
	for _, a := range strings.Fields(n.ns.IP(t, "-o", "addr", "show", "to", ip+"/32")) {
		if a == ip+"/32" {
			l.held = true
		}
	}
	names, _ := os.ReadDir(n.registryDir())
	for _, e := range names {
		switch name := e.Name(); {
		case name == ip+".lock":
			l.lock = true
		case name == ip+".route" || name == ip+".sent" || strings.HasPrefix(name, "."+ip+"."):
			l.files = append(l.files, name)
		}
	}
	return l
}

// expectClean fails unless nothing of ip's resource is on n, lock file
// included: what a stop that returned 0 leaves.
func (n *node) expectClean(t testing.TB, ip string) {
	t.Helper()
	if l := n.left(t, ip); !l.nothing() || l.lock {
		t.Fatalf("after stop: %s", l)
	}
}

// TestLinuxStartOverLeftover: the node's announcer crashed and left the
// registration, its takeover window long over and its route refreshed a
// moment ago; a new start announces at once with the takeover metric.
func TestLinuxStartOverLeftover(t *testing.T) {
	l := newLab(t)
	capture := listenRIP(t, l)
	p := []string{"ip=" + vip, "interval=60", "takeover_time=1"}
	first := time.Now()
	l.s1.expect(t, 0, "start", p...)
	awaitMetric(t, capture, l.s1.addr, vip, 2, first, 10*time.Second) // the window is over
	l.s1.killAnnouncer(t)
	began := time.Now()
	l.s1.expect(t, 0, "start", p...)
	awaitMetric(t, capture, l.s1.addr, vip, 1, began, time.Second)
	l.s1.expect(t, 0, "monitor", append(p, recv)...)
	l.s1.expect(t, 0, "stop", p...)
	l.s1.expectClean(t, vip)
}

// TestLinuxProbePartial: whatever part of the resource a killed action
// left, a probe answers 1 (never 7), so Pacemaker runs stop, which removes
// it all; then the probe answers 7.
func TestLinuxProbePartial(t *testing.T) {
	l := newLab(t)
	dir := l.s1.registryDir()
	tests := []struct {
		name  string
		leave func(t *testing.T)
	}{
		{"VIP removed, registration left", func(t *testing.T) {
			l.s1.expect(t, 0, "start", "ip="+vip)
			l.s1.killAnnouncer(t) // else it withdraws the orphan within a second
			l.s1.ns.IP(t, "addr", "del", vip+"/32", "dev", "lo")
		}},
		{"VIP held, not registered", func(t *testing.T) {
			l.s1.ns.IP(t, "addr", "add", vip+"/32", "dev", "lo")
		}},
		{"unusable registration", func(t *testing.T) {
			write(t, filepath.Join(dir, vip+".route"), "{garbage")
		}},
		{"a killed writer's temp file", func(t *testing.T) {
			write(t, filepath.Join(dir, "."+vip+".route.tmp-0123456789ab"), "{")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			tt.leave(t)
			stderr := l.s1.expect(t, 1, "monitor", "ip="+vip)
			if rs := exitReasons(stderr); len(rs) != 1 {
				t.Errorf("exit reasons %q", rs)
			}
			l.s1.expect(t, 1, "monitor", "ip="+vip, recv)
			l.s1.expect(t, 0, "stop", "ip="+vip)
			l.s1.expectClean(t, vip)
			l.s1.expect(t, 7, "monitor", "ip="+vip)
		})
	}
}

func write(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestLinuxStopWithoutRegistry: stop cannot write (or must not trust)
// HA_RSCTMP; it still removes the VIP and poisons the route, returns 0,
// and the running announcer never announces the route after the poison:
// it withdraws and unregisters the entry of the VIP its node lost.
func TestLinuxStopWithoutRegistry(t *testing.T) {
	l := newLab(t)
	capture := listenRIP(t, l)
	file := filepath.Join(t.TempDir(), "file")
	write(t, file, "")
	p := []string{"ip=" + vip, "interval=1"}
	tests := []struct {
		name string
		says string // what stop's log shows of its trouble
		stop func(t *testing.T) (int, string)
	}{
		{"HA_RSCTMP is a file", "", func(t *testing.T) (int, string) {
			return l.s1.run(t, "stop", append(p, "HA_RSCTMP="+file)...)
		}},
		{"HA_RSCTMP cannot be created", "", func(t *testing.T) (int, string) {
			return l.s1.run(t, "stop", append(p, "HA_RSCTMP="+file+"/sub")...)
		}},
		{"HA_RSCTMP read-only", "read-only file system", func(t *testing.T) (int, string) {
			// In a mount namespace of its own, nothing else sees the
			// read-only mount: the announcer still writes.
			script := `mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"`
			_, stderr, code := l.s1.ns.RunEnv(l.s1.environ(p...), "unshare", "-m", "sh", "-c", script, "sh", l.s1.rsctmp, agentBin, "stop")
			return code, stderr
		}},
		{"HA_RSCTMP writable by others", "writable by group or others", func(t *testing.T) (int, string) {
			if err := os.Chmod(l.s1.rsctmp, 0o777); err != nil {
				t.Fatal(err)
			}
			defer os.Chmod(l.s1.rsctmp, 0o700)
			return l.s1.run(t, "stop", p...)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l.s1.expect(t, 0, "start", p...)
			began := time.Now()
			code, stderr := tt.stop(t)
			if code != 0 || !strings.Contains(stderr, tt.says) {
				t.Fatalf("stop: %d, want 0 and a log of %q\n%s", code, tt.says, stderr)
			}
			if l.s1.left(t, vip).held {
				t.Fatal("stop returned 0 with the VIP held")
			}
			awaitMetric(t, capture, l.s1.addr, vip, rip.Infinity, began, time.Second)
			time.Sleep(2 * time.Second) // the announcer sends every second: give it two
			checkWithdrawn(t, capture, l.s1.addr, vip, began)
			if l := l.s1.left(t, vip); !l.nothing() {
				t.Errorf("two seconds after stop: %s", l)
			}
			l.s1.expect(t, 7, "monitor", p...)
		})
	}
}

// TestLinuxStartStopRace: a start and a stop of one VIP run at the same
// time, again and again; each time the node ends either running (VIP held
// and registered) or stopped (neither), never in between.
func TestLinuxStartStopRace(t *testing.T) {
	l := newLab(t)
	p := []string{"ip=" + vip, "poison_count=1"}
	bad := 0
	for i := range 30 {
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for j, action := range []string{"start", "stop"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[j], _ = l.s1.run(t, action, p...)
			}()
		}
		wg.Wait()
		st := l.s1.left(t, vip)
		registered := len(st.files) > 0
		if codes[0] != 0 || codes[1] != 0 || st.held != registered {
			bad++
			t.Errorf("round %d: start %d, stop %d, then %s", i, codes[0], codes[1], st)
		}
		l.s1.expect(t, 0, "stop", p...)
	}
	if bad > 0 {
		t.Errorf("%d of 30 rounds ended between running and stopped", bad)
	}
}

// TestLinuxVIPRemovedByHand: the VIP disappears from the node while the
// resource runs; within a second or two the announcer poisons the route
// and unregisters it, and monitor says not running.
func TestLinuxVIPRemovedByHand(t *testing.T) {
	l := newLab(t)
	capture := listenRIP(t, l)
	p := []string{"ip=" + vip, "interval=60"}
	l.s1.expect(t, 0, "start", p...)
	pid := l.s1.announcer()
	removed := time.Now()
	l.s1.ns.IP(t, "addr", "del", vip+"/32", "dev", "lo")
	// The announcer checks once a second; under load, later.
	awaitMetric(t, capture, l.s1.addr, vip, rip.Infinity, removed, 5*time.Second)
	if !testnet.Eventually(5*time.Second, 50*time.Millisecond, func() bool { return l.s1.left(t, vip).nothing() }) {
		t.Fatalf("still registered: %s", l.s1.left(t, vip))
	}
	l.s1.expect(t, 7, "monitor", append(p, recv)...)
	if !testnet.Eventually(5*time.Second, 50*time.Millisecond, func() bool { return !proc.Alive(pid) }) {
		t.Fatal("the announcer runs on with nothing left to announce")
	}
	l.s1.expect(t, 0, "stop", p...)
	l.s1.expectClean(t, vip)
}

// TestLinuxAnnouncerDyingDuringStart: start finds no announcer while the
// single-instance lock is still held, as by an announcer being killed
// (its command line is gone a moment before its lock); the announcer it
// spawns exits at once. Start spawns again and returns 0 once the lock is
// free, with an announcer running.
func TestLinuxAnnouncerDyingDuringStart(t *testing.T) {
	l := newLab(t)
	dir := l.s1.registryDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "announcer.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(100 * time.Millisecond) // well within start's 2 s wait
		lock.Close()
		close(released)
	}()
	l.s1.expect(t, 0, "start", "ip="+vip)
	<-released
	if l.s1.announcer() == 0 {
		t.Error("start returned 0 with no announcer running")
	}
	l.s1.expect(t, 0, "monitor", "ip="+vip, recv)
	l.s1.expect(t, 0, "stop", "ip="+vip)
}
