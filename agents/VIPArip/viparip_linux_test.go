package main

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/proc"
	"github.com/ocfnet/ocfnet/pkg/rip"
)

// TestLinuxZeroConfig: only ip given; the router routes the VIP via
// server1, the client reaches it, stop withdraws it and the announcer
// goes away.
func TestLinuxZeroConfig(t *testing.T) {
	eachRouter(t, func(t *testing.T, l *lab, r routerKind) {
		r.start(t, l, "")
		l.s1.expect(t, 7, "monitor", "ip="+vip)
		began := time.Now()
		l.s1.expect(t, 0, "start", "ip="+vip)
		startTook := time.Since(began)
		learned := l.routedVia(t, vip, l.s1.addr, 5*time.Second)
		t.Logf("%s routes the VIP %v after start returned (start took %v)", r.name, learned, startTook)
		if !l.s1.ns.HasAddr(t, "lo", vip+"/32") {
			t.Fatal("VIP not held on lo")
		}
		l.clientReaches(t, vip)
		l.s1.expect(t, 0, "monitor", "ip="+vip, recv)
		l.s1.expect(t, 0, "monitor", "ip="+vip)
		if l.s1.announcer() == 0 {
			t.Fatal("no announcer running")
		}
		// A monitor right after a start that spawned the announcer (as
		// Pacemaker's first recurring monitor) finds it running.
		l.s1.expect(t, 0, "stop", "ip="+vip)
		l.s1.expect(t, 0, "start", "ip="+vip)
		l.s1.expect(t, 0, "monitor", "ip="+vip, recv)
		pid := l.s1.announcer()
		if pid == 0 {
			t.Fatal("no announcer running")
		}
		l.s1.expect(t, 0, "start", "ip="+vip) // idempotent
		stopped := time.Now()
		l.s1.expect(t, 0, "stop", "ip="+vip)
		stopTook := time.Since(stopped)
		gone := l.routedVia(t, vip, "", 5*time.Second)
		t.Logf("%s: stop took %v, route gone %v after it returned", r.name, stopTook, gone)
		if l.s1.ns.HasAddr(t, "lo", vip+"/32") {
			t.Fatal("stop left the VIP on lo")
		}
		l.s1.expect(t, 7, "monitor", "ip="+vip, recv)
		l.s1.expect(t, 0, "stop", "ip="+vip)
		if !testnet.Eventually(10*time.Second, 20*time.Millisecond, func() bool { return !proc.Alive(pid) }) {
			t.Error("the announcer did not exit with no route left")
		}
	})
}

// TestLinuxMoves: planned switchover, then server2 dies without a stop
// (its processes killed, links up) after its takeover window, and server1
// takes over at once through the lower takeover metric: FRR would ignore
// an equal metric for 180 s, BIRD would add it as ECMP next to the dead
// owner.
func TestLinuxMoves(t *testing.T) {
	eachRouter(t, func(t *testing.T, l *lab, r routerKind) {
		r.start(t, l, "")
		p := []string{"ip=" + vip, "takeover_time=1", "interval=2"}
		l.s1.expect(t, 0, "start", p...)
		l.routedVia(t, vip, l.s1.addr, 5*time.Second)
		l.clientReaches(t, vip)

		moved := time.Now()
		l.s1.expect(t, 0, "stop", p...)
		l.s2.expect(t, 0, "start", p...)
		l.routedVia(t, vip, l.s2.addr, 5*time.Second)
		t.Logf("%s: planned switchover, router follows %v after the move began", r.name, time.Since(moved))
		l.clientReaches(t, vip)

		time.Sleep(2500 * time.Millisecond) // server2 is past its takeover window
		l.s2.killAnnouncer(t)
		crashed := time.Now()
		l.s1.expect(t, 0, "start", p...)
		l.routedVia(t, vip, l.s1.addr, 10*time.Second) // at once, not after the 180 s timeout
		t.Logf("%s: takeover after a crash, router follows %v after the crash", r.name, time.Since(crashed))
		l.clientReaches(t, vip)
		time.Sleep(2500 * time.Millisecond) // server1 back at its steady metric: still the only route
		l.routedVia(t, vip, l.s1.addr, time.Second)

		// server2's monitor sees its dead announcer; its stop poisons,
		// which must not withdraw server1's route.
		if code, stderr := l.s2.run(t, "monitor", append(p, recv)...); code != 1 || !strings.Contains(stderr, "announcer") {
			t.Errorf("monitor with a killed announcer: %d %s", code, stderr)
		}
		l.s2.expect(t, 0, "stop", p...)
		time.Sleep(300 * time.Millisecond)
		l.routedVia(t, vip, l.s1.addr, time.Second)
		l.s1.expect(t, 0, "stop", p...)
		l.routedVia(t, vip, "", 5*time.Second)
	})
}

// TestLinuxKilledAnnouncer: the announcer is SIGKILLed; monitor reports
// the failure, and stop still withdraws the route with its poison.
func TestLinuxKilledAnnouncer(t *testing.T) {
	eachRouter(t, func(t *testing.T, l *lab, r routerKind) {
		r.start(t, l, "")
		l.s1.expect(t, 0, "start", "ip="+vip)
		l.routedVia(t, vip, l.s1.addr, 5*time.Second)
		l.s1.killAnnouncer(t)
		if code, stderr := l.s1.run(t, "monitor", "ip="+vip, recv); code != 1 || len(exitReasons(stderr)) != 1 {
			t.Errorf("monitor after SIGKILL: %d %q", code, stderr)
		}
		l.s1.expect(t, 0, "stop", "ip="+vip)
		l.routedVia(t, vip, "", 10*time.Second) // withdrawn by the poison, not a 180 s timeout
	})
}

// TestLinuxExplicit: nic, source and a subnet broadcast destination, as a
// CLUSTERPRO definition gives them.
func TestLinuxExplicit(t *testing.T) {
	eachRouter(t, func(t *testing.T, l *lab, r routerKind) {
		r.start(t, l, "")
		p := []string{"ip=" + vip, "nic=eth0", "source=" + l.s1.addr, "destination=192.168.10.255", "vip_device=nic"}
		l.s1.expect(t, 0, "start", p...)
		l.routedVia(t, vip, l.s1.addr, 5*time.Second)
		if !l.s1.ns.HasAddr(t, "eth0", vip+"/32") {
			t.Error("vip_device=nic: VIP not on eth0")
		}
		l.clientReaches(t, vip)
		l.s1.expect(t, 0, "stop", p...)
		l.routedVia(t, vip, "", 5*time.Second)
	})
}

// TestLinuxAuth: each router with the authentication it supports; a wrong
// key is never learned.
func TestLinuxAuth(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good"), filepath.Join(dir, "bad")
	os.WriteFile(good, []byte("s3cret\n"), 0o600)
	os.WriteFile(bad, []byte("wrong\n"), 0o600)
	tests := []struct {
		router string
		conf   string
		mode   string
	}{
		{"FRR", " ip rip authentication mode md5 auth-length old-ripd\n ip rip authentication key-chain vip\n", "md5"},
		{"FRR", " ip rip authentication mode text\n ip rip authentication string s3cret\n", "simple"},
		{"BIRD", `authentication cryptographic; password "s3cret" { id 1; algorithm hmac sha256; };`, "hmac-sha256"},
		{"BIRD", `authentication cryptographic; password "s3cret" { id 1; algorithm hmac sha1; };`, "hmac-sha1"},
	}
	for _, tt := range tests {
		t.Run(tt.router+" "+tt.mode, func(t *testing.T) {
			l := newLab(t)
			for _, r := range routerKinds {
				if r.name == tt.router {
					r.start(t, l, tt.conf)
				}
			}
			l.s1.expect(t, 0, "start", "ip="+vip, "auth_mode="+tt.mode, "auth_key_file="+bad)
			if _, ok := l.router.WaitRoute(t, vip, 1500*time.Millisecond, func(_ testnet.Route, found bool) bool { return found }); ok {
				t.Fatal("router learned the VIP with a wrong key")
			}
			l.s1.expect(t, 0, "stop", "ip="+vip, "auth_mode="+tt.mode, "auth_key_file="+bad)
			l.s1.expect(t, 0, "start", "ip="+vip, "auth_mode="+tt.mode, "auth_key_file="+good)
			l.routedVia(t, vip, l.s1.addr, 5*time.Second)
			l.s1.expect(t, 0, "stop", "ip="+vip, "auth_mode="+tt.mode, "auth_key_file="+good)
			l.routedVia(t, vip, "", 5*time.Second)
		})
	}
}

// TestLinuxParallel: 20 resources started and stopped in parallel on one
// node, served by one announcer; the router ends with exactly the running
// set, and a capture at the router shows no announcement of a stopped VIP
// after its stop returned.
func TestLinuxParallel(t *testing.T) {
	eachRouter(t, func(t *testing.T, l *lab, r routerKind) {
		r.start(t, l, "")
		capture := l.router.CaptureUDP(t, rip.Port)
		var vips []string
		for i := range 20 {
			vips = append(vips, fmt.Sprintf("192.168.13.%d", 10+i))
		}
		stoppedAt := map[string]time.Time{}
		var mu sync.Mutex
		parallel := func(action string, ips []string) {
			var wg sync.WaitGroup
			for _, ip := range ips {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if code, stderr := l.s1.run(t, action, "ip="+ip, "interval=1"); code != 0 {
						t.Errorf("%s %s: %d %s", action, ip, code, stderr)
					}
					mu.Lock()
					stoppedAt[ip] = time.Now()
					mu.Unlock()
				}()
			}
			wg.Wait()
		}
		parallel("start", vips)
		for _, ip := range vips {
			l.routedVia(t, ip, l.s1.addr, 5*time.Second)
		}
		if n := announcers(t, l.s1); n != 1 {
			t.Errorf("%d announcer processes for 20 VIPs, want 1", n)
		}
		parallel("stop", vips[:10])
		for _, ip := range vips[:10] {
			l.routedVia(t, ip, "", 5*time.Second)
		}
		time.Sleep(2500 * time.Millisecond) // more than two refreshes of the others
		for _, ip := range vips[:10] {
			if _, found := l.router.Route(t, ip); found {
				t.Errorf("%s came back after stop", ip)
			}
			for _, pkt := range capture.Since(stoppedAt[ip]) {
				m, err := rip.Parse(pkt.Payload)
				if err != nil {
					continue
				}
				for _, rt := range m.Routes {
					// Its own poison may still be on its way; anything
					// else for it after stop returned is a leak.
					if rt.Prefix.Addr() == netip.MustParseAddr(ip) && rt.Metric < rip.Infinity {
						t.Errorf("%s announced (metric %d) from %v after its stop returned", ip, rt.Metric, pkt.Src)
					}
				}
			}
		}
		refreshed := 0
		for _, pkt := range capture.Since(time.Now().Add(-2 * time.Second)) {
			if m, err := rip.Parse(pkt.Payload); err == nil && pkt.Src == netip.MustParseAddr(l.s1.addr) {
				refreshed += len(m.Routes)
			}
		}
		if refreshed < 10 {
			t.Errorf("only %d route refreshes captured in 2 s for 10 running VIPs: the check above saw nothing", refreshed)
		}
		for _, ip := range vips[10:] {
			l.routedVia(t, ip, l.s1.addr, time.Second)
			l.s1.expect(t, 0, "monitor", "ip="+ip, recv)
		}
		parallel("stop", vips[10:])
		for _, ip := range vips {
			l.routedVia(t, ip, "", 5*time.Second)
		}
		if out := l.router.IP(t, "-4", "route", "show", "root", "192.168.13.0/24"); strings.TrimSpace(out) != "" {
			t.Errorf("routes left at the router: %s", out)
		}
	})
}

// TestLinuxCoexistsWithLocalRouter: a BIRD with RIP on server1 itself holds
// port 520; the agent announces all the same (raw socket, no bind).
func TestLinuxCoexistsWithLocalRouter(t *testing.T) {
	l := newLab(t)
	routerKinds[0].start(t, l, "") // FRR on the router
	coexistsWithLocalBIRD(t, l, vip, ":520", `router id 192.168.10.221;
protocol device { }
protocol rip ripself { ipv4 { import none; export none; }; interface "eth0" { version 2; }; }
`)
}

// coexistsWithLocalBIRD starts a BIRD on server1 with birdConf, checks
// it holds port, then starts, monitors and stops ip there: the route
// comes and goes at the router and BIRD keeps its port throughout.
func coexistsWithLocalBIRD(t *testing.T, l *lab, ip, port, birdConf string) {
	t.Helper()
	local := l.s1.ns.StartBIRD(t, birdConf)
	local.WaitRIP(t, "eth0")
	if out := l.s1.ns.Run(t, "ss", "-ulnp"); !strings.Contains(out, port) {
		t.Fatalf("the local bird does not hold port %s:\n%s", port, out)
	}
	l.s1.expect(t, 0, "start", "ip="+ip)
	l.routedVia(t, ip, l.s1.addr, 5*time.Second)
	l.s1.expect(t, 0, "monitor", "ip="+ip, recv)
	l.s1.expect(t, 0, "stop", "ip="+ip)
	l.routedVia(t, ip, "", 5*time.Second)
	if out := l.s1.ns.Run(t, "ss", "-ulnp"); !strings.Contains(out, port) {
		t.Errorf("the local bird lost port %s", port)
	}
}

// announcers counts the node's announcer processes (not zombies).
func announcers(t *testing.T, n *node) int {
	t.Helper()
	count := 0
	for _, pid := range pidsOf(t, n) {
		if args, err := proc.Args(pid); err == nil && len(args) >= 2 && args[1] == announcerAction && proc.Alive(pid) {
			count++
		}
	}
	return count
}

// pidsOf lists the processes whose environment names the node's
// HA_RSCTMP: what the node's agents started.
func pidsOf(t *testing.T, n *node) []int {
	t.Helper()
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err == nil && strings.Contains(string(env), "HA_RSCTMP="+n.rsctmp+"\x00") {
			pids = append(pids, pid)
		}
	}
	return pids
}

// TestLinuxAnnouncerEnvironment: the long-lived announcer does not carry
// the authentication key in its environment.
func TestLinuxAnnouncerEnvironment(t *testing.T) {
	l := newLab(t)
	l.s1.expect(t, 0, "start", "ip="+vip, "auth_mode=md5", "auth_key=s3cret")
	pid := l.s1.announcer()
	env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil || pid == 0 {
		t.Fatalf("announcer %d: %v", pid, err)
	}
	if strings.Contains(string(env), "s3cret") {
		t.Error("the announcer's environment holds the key")
	}
	if !strings.Contains(string(env), "HA_RSCTMP=") {
		t.Error("environment not read: the check above proves nothing")
	}
	l.s1.expect(t, 0, "stop", "ip="+vip, "auth_mode=md5", "auth_key=s3cret")
}

// TestLinuxAnnouncerCannotStart: when no announcer can run (here its lock
// is held by something else), start fails with one exit reason and leaves
// neither the VIP nor a registration behind.
func TestLinuxAnnouncerCannotStart(t *testing.T) {
	l := newLab(t)
	dir := filepath.Join(l.s1.rsctmp, "ocfnet-VIPArip")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "announcer.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	stderr := l.s1.expect(t, 1, "start", "ip="+vip)
	if rs := exitReasons(stderr); len(rs) != 1 || !strings.Contains(rs[0], "announcer") {
		t.Errorf("exit reasons %q", rs)
	}
	if l.s1.ns.HasAddr(t, "lo", vip+"/32") {
		t.Error("the failed start left the VIP on lo")
	}
	if _, err := os.Stat(filepath.Join(dir, vip+".route")); err == nil {
		t.Error("the failed start left its registration")
	}
}
