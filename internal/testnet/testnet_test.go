package testnet

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func rootState(t *testing.T) []byte {
	t.Helper()
	var all []byte
	for _, args := range [][]string{{"-j", "addr"}, {"-j", "route"}, {"-j", "link"}} {
		out, err := exec.Command("ip", args...).Output()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out...)
	}
	return all
}

func netnsList(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestTopology builds two hosts on a bridge, pings between them, and checks
// that cleanup removes every namespace and process and that the root
// namespace is unchanged.
func TestTopology(t *testing.T) {
	RequireRoot(t)
	before := rootState(t)
	var names []string
	var sleeper int
	t.Run("build", func(t *testing.T) {
		n := New(t)
		lan, a, b := n.NS("lan"), n.NS("a"), n.NS("b")
		br := n.Bridge(lan, "br0")
		n.Port(a, "eth0", lan, br)
		n.Port(b, "eth0", lan, br)
		a.IP(t, "addr", "add", "192.168.90.1/24", "dev", "eth0")
		b.IP(t, "addr", "add", "192.168.90.2/24", "dev", "eth0")
		names = []string{lan.Name, a.Name, b.Name}
		for _, name := range names {
			if !strings.Contains(netnsList(t), name) {
				t.Fatalf("namespace %s not created", name)
			}
		}
		if !a.HasAddr(t, "eth0", "192.168.90.1/24") || a.HasAddr(t, "eth0", "192.168.90.2/24") {
			t.Errorf("HasAddr wrong: %v", a.Addrs(t, "eth0"))
		}
		p := a.Ping(t, "192.168.90.2", 10*time.Millisecond, 30*time.Second)
		p.Wait(10*time.Second, func(r PingResult) bool { return r.Received >= 3 })
		res := p.Stop()
		if res.Received == 0 || res.Sent < res.Received {
			t.Errorf("ping: sent %d received %d", res.Sent, res.Received)
		}
		if res.LongestGap() <= 0 || res.LongestGap() > 2*time.Second {
			t.Errorf("longest gap %v", res.LongestGap())
		}
		mac, _, ok := a.Neigh(t, "192.168.90.2")
		if !ok || mac != b.MAC(t, "eth0") {
			t.Errorf("neighbour entry %q %v, want %s", mac, ok, b.MAC(t, "eth0"))
		}
		// Unreachable target: nothing received.
		p = a.Ping(t, "192.168.90.77", 10*time.Millisecond, 30*time.Second)
		p.Wait(10*time.Second, func(r PingResult) bool { return r.Sent >= 10 })
		if res := p.Stop(); res.Received != 0 || res.Sent == 0 {
			t.Errorf("ping to nobody: sent %d received %d", res.Sent, res.Received)
		}
		cmd := b.Start(t, "sleep", "600")
		sleeper = cmd.Process.Pid
		// Also a process the test did not start itself.
		if _, _, code, _ := b.RunErr("sh", "-c", "sleep 600 >/dev/null 2>&1 &"); code != 0 {
			t.Fatal("background sleep failed")
		}
		if len(nsPids(b.Name)) < 2 {
			t.Errorf("processes in %s: %v", b.Name, nsPids(b.Name))
		}
		var seen bool
		a.Do(t, func() {
			out, _ := exec.Command("ip", "-o", "addr", "show", "dev", "eth0").Output()
			seen = strings.Contains(string(out), "192.168.90.1/24")
		})
		if !seen {
			t.Error("Do did not run inside the namespace")
		}
	})
	list := netnsList(t)
	for _, name := range names {
		if strings.Contains(list, name) {
			t.Errorf("namespace %s left after cleanup", name)
		}
	}
	if alive(sleeper) {
		t.Errorf("started process %d still alive after cleanup", sleeper)
	}
	if after := rootState(t); !bytes.Equal(before, after) {
		t.Error("the root namespace's links, addresses or routes changed")
	}
}
