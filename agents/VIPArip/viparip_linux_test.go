package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/pkg/ocf"
	"github.com/ocfnet/ocfnet/pkg/testnet"
)

// TestLinuxZeroConfigBIRD: only ip given; BIRD routes the VIP via server1,
// the client reaches it, stop withdraws it and the announcer goes away.
func TestLinuxZeroConfigBIRD(t *testing.T) {
	l := newLab(t)
	l.router.StartBIRD(t, strings.Replace(birdConf, "%s", "", 1)).WaitRIP(t, "eth0", "eth1")
	l.s1.expect(t, 7, "monitor", "ip="+vip)
	began := time.Now()
	l.s1.expect(t, 0, "start", "ip="+vip)
	learned := l.routedVia(t, vip, l.s1.addr, 5*time.Second)
	t.Logf("BIRD routes the VIP %v after start returned (start took %v)", learned, time.Since(began)-learned)
	if !l.s1.ns.HasAddr(t, "lo", vip+"/32") {
		t.Fatal("VIP not held on lo")
	}
	l.clientReaches(t, vip)
	l.s1.expect(t, 0, "monitor", "ip="+vip, recv)
	l.s1.expect(t, 0, "monitor", "ip="+vip)
	pid := l.s1.announcer()
	if pid == 0 {
		t.Fatal("no announcer running")
	}
	l.s1.expect(t, 0, "start", "ip="+vip) // idempotent
	stopped := time.Now()
	l.s1.expect(t, 0, "stop", "ip="+vip)
	t.Logf("stop took %v", time.Since(stopped))
	l.routedVia(t, vip, "", 5*time.Second)
	if l.s1.ns.HasAddr(t, "lo", vip+"/32") {
		t.Fatal("stop left the VIP on lo")
	}
	l.s1.expect(t, 7, "monitor", "ip="+vip, recv)
	l.s1.expect(t, 0, "stop", "ip="+vip)
	deadline := time.Now().Add(3 * time.Second)
	for ocf.ProcAlive(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if ocf.ProcAlive(pid) {
		t.Error("the announcer did not exit with no route left")
	}
}

// TestLinuxMovesFRR: planned switchover, then server2 dies without a stop
// after its takeover window, and server1 takes over at once through the
// lower takeover metric (FRR would otherwise ignore it for 180 s).
func TestLinuxMovesFRR(t *testing.T) {
	l := newLab(t)
	l.router.StartFRR(t, frrConf).WaitRIP(t, "eth0", "eth1")
	p := []string{"ip=" + vip, "takeover_time=1", "interval=2"}
	l.s1.expect(t, 0, "start", p...)
	l.routedVia(t, vip, l.s1.addr, 5*time.Second)
	l.clientReaches(t, vip)

	moved := time.Now()
	l.s1.expect(t, 0, "stop", p...)
	l.s2.expect(t, 0, "start", p...)
	l.routedVia(t, vip, l.s2.addr, 5*time.Second)
	t.Logf("planned switchover: router follows %v after the move began", time.Since(moved))
	l.clientReaches(t, vip)

	time.Sleep(2500 * time.Millisecond) // server2 is past its takeover window: steady metric
	// server2 dies: its processes are killed, its links stay up.
	pid := l.s2.announcer()
	if pid == 0 {
		t.Fatal("server2 has no announcer")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	crashed := time.Now()
	l.s1.expect(t, 0, "start", p...)
	l.routedVia(t, vip, l.s1.addr, 3*time.Second)
	t.Logf("takeover after a crash: router follows %v after the crash", time.Since(crashed))
	l.clientReaches(t, vip)

	// server2's monitor sees its dead announcer; its stop still poisons,
	// which must not withdraw server1's route.
	if code, stderr := l.s2.run(t, "monitor", append(p, recv)...); code != 1 || !strings.Contains(stderr, "announcer") {
		t.Errorf("monitor with a killed announcer: %d %s", code, stderr)
	}
	l.s2.expect(t, 0, "stop", p...)
	time.Sleep(300 * time.Millisecond)
	l.routedVia(t, vip, l.s1.addr, time.Second)
	l.s1.expect(t, 0, "stop", p...)
	l.routedVia(t, vip, "", 5*time.Second)
}

// TestLinuxAuthFRR: keyed MD5 from auth_key_file; a wrong key is never
// learned.
func TestLinuxAuthFRR(t *testing.T) {
	l := newLab(t)
	conf := "key chain vip\n key 1\n  key-string s3cret\n exit\nexit\ninterface eth0\n" +
		" ip rip authentication mode md5 auth-length old-ripd\n ip rip authentication key-chain vip\nexit\n" + frrConf
	l.router.StartFRR(t, conf).WaitRIP(t, "eth0", "eth1")
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good"), filepath.Join(dir, "bad")
	os.WriteFile(good, []byte("s3cret\n"), 0o600)
	os.WriteFile(bad, []byte("wrong\n"), 0o600)
	l.s1.expect(t, 0, "start", "ip="+vip, "auth_mode=md5", "auth_key_file="+bad)
	if _, ok := l.router.WaitRoute(t, vip, 1500*time.Millisecond, func(_ testnet.Route, found bool) bool { return found }); ok {
		t.Fatal("router learned the VIP with a wrong key")
	}
	l.s1.expect(t, 0, "stop", "ip="+vip, "auth_mode=md5", "auth_key_file="+bad)
	l.s1.expect(t, 0, "start", "ip="+vip, "auth_mode=md5", "auth_key_file="+good)
	l.routedVia(t, vip, l.s1.addr, 5*time.Second)
	l.s1.expect(t, 0, "stop", "ip="+vip, "auth_mode=md5", "auth_key_file="+good)
	l.routedVia(t, vip, "", 5*time.Second)
}

// TestLinuxParallelBIRD: 20 resources started and stopped in parallel on
// one node; the router ends with exactly the running set, served by one
// announcer.
func TestLinuxParallelBIRD(t *testing.T) {
	l := newLab(t)
	l.router.StartBIRD(t, strings.Replace(birdConf, "%s", "", 1)).WaitRIP(t, "eth0", "eth1")
	var vips []string
	for i := range 20 {
		vips = append(vips, fmt.Sprintf("192.168.13.%d", 10+i))
	}
	parallel := func(action string, ips []string) {
		var wg sync.WaitGroup
		for _, ip := range ips {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if code, stderr := l.s1.run(t, action, "ip="+ip, "interval=2"); code != 0 {
					t.Errorf("%s %s: %d %s", action, ip, code, stderr)
				}
			}()
		}
		wg.Wait()
	}
	parallel("start", vips)
	for _, ip := range vips {
		l.routedVia(t, ip, l.s1.addr, 5*time.Second)
	}
	procs := announcers(t, l.s1)
	if procs != 1 {
		t.Errorf("%d announcer processes for 20 VIPs, want 1", procs)
	}
	parallel("stop", vips[:10])
	for _, ip := range vips[:10] {
		l.routedVia(t, ip, "", 5*time.Second)
	}
	time.Sleep(4500 * time.Millisecond) // two refresh intervals: stopped ones stay gone
	for _, ip := range vips[:10] {
		if _, found := l.router.Route(t, ip); found {
			t.Errorf("%s came back after stop", ip)
		}
	}
	for _, ip := range vips[10:] {
		l.routedVia(t, ip, l.s1.addr, time.Second)
		l.s1.expect(t, 0, "monitor", "ip="+ip, recv)
	}
	parallel("stop", vips[10:])
}

// announcers counts the node's announcer processes (not zombies).
func announcers(t *testing.T, n *node) int {
	t.Helper()
	out, _, _, _ := n.ns.RunErr("sh", "-c", "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null; echo; done")
	count := 0
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[1] == announcerAction {
			count++
		}
	}
	return count
}
