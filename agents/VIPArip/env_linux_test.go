package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
)

// waitCarrier waits until ifName in ns has carrier (operational state
// UP) or has not (DOWN, LOWERLAYERDOWN): the kernel's link watch
// publishes a carrier change asynchronously, up to a second later.
func waitCarrier(t *testing.T, ns *testnet.NS, ifName string, carrier bool) {
	t.Helper()
	var state string
	for range 300 {
		if f := strings.Fields(ns.IP(t, "-br", "link", "show", "dev", ifName)); len(f) > 1 {
			state = f[1]
			if (state == "UP") == carrier && (carrier || state == "DOWN" || state == "LOWERLAYERDOWN") {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s in %s is %s, want carrier %v", ifName, ns.Name, state, carrier)
}

// registered reports whether the node's registry holds ip.
func (n *node) registered(ip string) bool {
	_, err := os.Stat(filepath.Join(n.rsctmp, "ocfnet-VIPArip", ip+".route"))
	return err == nil
}

// TestLinuxNoCarrier: an announcing interface without carrier reaches no
// router. start refuses (1) and leaves the host as it was; a recurring
// monitor fails when the carrier goes; a probe of the running resource
// says failed (1), never 6 nor "not running".
func TestLinuxNoCarrier(t *testing.T) {
	l := newLab(t)
	s1 := l.s1
	// The router's end down: server1's eth0, the default route's
	// interface, loses its carrier.
	l.router.IP(t, "link", "set", "eth0", "down")
	waitCarrier(t, s1.ns, "eth0", false)
	stderr := s1.expect(t, 1, "start", "ip="+vip)
	if rs := exitReasons(stderr); len(rs) != 1 || !strings.Contains(rs[0], "eth0 has no carrier") {
		t.Errorf("exit reasons %q, want one saying eth0 has no carrier", rs)
	}
	if s1.ns.HasAddr(t, "lo", vip+"/32") || s1.registered(vip) {
		t.Error("the refused start changed the host")
	}
	s1.expect(t, 7, "monitor", "ip="+vip)
	s1.expect(t, 0, "stop", "ip="+vip)

	l.router.IP(t, "link", "set", "eth0", "up")
	waitCarrier(t, s1.ns, "eth0", true)
	s1.expect(t, 0, "start", "ip="+vip)
	s1.expect(t, 0, "monitor", "ip="+vip, recv)

	l.router.IP(t, "link", "set", "eth0", "down")
	waitCarrier(t, s1.ns, "eth0", false)
	stderr = s1.expect(t, 1, "monitor", "ip="+vip, recv)
	if rs := exitReasons(stderr); len(rs) != 1 || !strings.Contains(rs[0], "no carrier") {
		t.Errorf("recurring monitor: exit reasons %q, want one saying no carrier", rs)
	}
	s1.expect(t, 1, "monitor", "ip="+vip) // probe
	s1.expect(t, 0, "stop", "ip="+vip)
	s1.expect(t, 7, "monitor", "ip="+vip)
}

// ecmpLab gives server1 a second uplink, eth1 (192.168.20.221) to the
// router's eth3 (192.168.20.220), and FRR on the router listening on
// both.
func ecmpLab(t *testing.T) *lab {
	l := newLab(t)
	// Created from server1 with its peer moved into the router's
	// namespace: both ends go with the namespaces.
	l.s1.ns.IP(t, "link", "add", "name", "eth1", "type", "veth", "peer", "name", "eth3", "netns", l.router.Name)
	l.s1.ns.IP(t, "addr", "add", "192.168.20.221/24", "dev", "eth1")
	l.router.IP(t, "addr", "add", "192.168.20.220/24", "dev", "eth3")
	l.s1.ns.IP(t, "link", "set", "eth1", "up")
	l.router.IP(t, "link", "set", "eth3", "up")
	waitCarrier(t, l.s1.ns, "eth1", true)
	l.router.StartFRR(t, "router rip\n version 2\n network eth0\n network eth1\n network eth3\nexit\n").WaitRIP(t, "eth0", "eth3")
	return l
}

// TestLinuxECMP: on a node with two uplinks behind an ECMP default route
// (a multipath route, or a nexthop group that the route dump expands or,
// with nexthop_compat_mode=0, does not), zero-config VIPArip announces
// on the first usable nexthop and says so; with the first uplink
// without carrier, on the second.
func TestLinuxECMP(t *testing.T) {
	multipath := [][]string{{"route", "replace", "default",
		"nexthop", "via", "192.168.10.220", "dev", "eth0", "nexthop", "via", "192.168.20.220", "dev", "eth1"}}
	group := [][]string{
		{"route", "del", "default"},
		{"nexthop", "add", "id", "1", "via", "192.168.10.220", "dev", "eth0"},
		{"nexthop", "add", "id", "2", "via", "192.168.20.220", "dev", "eth1"},
		{"nexthop", "add", "id", "10", "group", "1/2"},
		{"route", "add", "default", "nhid", "10"},
	}
	tests := []struct {
		name   string
		compat string
		setup  [][]string
	}{
		{"multipath route", "1", multipath},
		{"nexthop group", "1", group},
		{"nexthop group, no compat mode", "0", group},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := ecmpLab(t)
			s1 := l.s1
			s1.ns.Run(t, "sysctl", "-qw", "net.ipv4.nexthop_compat_mode="+tt.compat)
			for _, args := range tt.setup {
				s1.ns.IP(t, args...)
			}
			stderr := s1.expect(t, 0, "start", "ip="+vip)
			if !strings.Contains(stderr, "2 nexthops: announcing on eth0 (via 192.168.10.220)") {
				t.Errorf("start does not say which nexthop it took:\n%s", stderr)
			}
			l.routedVia(t, vip, s1.addr, 5*time.Second)
			s1.expect(t, 0, "monitor", "ip="+vip, recv)
			s1.expect(t, 0, "stop", "ip="+vip)
			l.routedVia(t, vip, "", 5*time.Second)

			l.router.IP(t, "link", "set", "eth0", "down")
			waitCarrier(t, s1.ns, "eth0", false)
			stderr = s1.expect(t, 0, "start", "ip="+vip)
			// The kernel flushes a nexthop object whose link loses
			// its carrier: the group is left with one path, and only
			// a multipath route still lists the dead one.
			if tt.name == "multipath route" &&
				!strings.Contains(stderr, "announcing on eth1 (via 192.168.20.220), the first usable one; skipped eth0: has no carrier") {
				t.Errorf("start does not say why it took eth1:\n%s", stderr)
			}
			l.routedVia(t, vip, "192.168.20.221", 5*time.Second)
			s1.expect(t, 0, "monitor", "ip="+vip, recv)
			s1.expect(t, 0, "stop", "ip="+vip)
			l.routedVia(t, vip, "", 5*time.Second)
		})
	}
}

// TestLinuxSourceNotAVIP: with vip_device=nic, another VIP's /32 on the
// interface becomes its first primary address once the interface's own
// address is added again (a network restart, a DHCP renewal). The next
// VIP must still announce from the interface's own address: from the
// other VIP, the router would drop the update (not a neighbour).
func TestLinuxSourceNotAVIP(t *testing.T) {
	l := newLab(t)
	routerKinds[0].start(t, l, "")
	s1 := l.s1
	const other = "192.168.13.230"
	s1.expect(t, 0, "start", "ip="+other, "vip_device=nic")
	l.routedVia(t, other, s1.addr, 5*time.Second)
	s1.ns.IP(t, "addr", "del", s1.addr+"/24", "dev", "eth0")
	s1.ns.IP(t, "addr", "add", s1.addr+"/24", "dev", "eth0")
	s1.ns.IP(t, "route", "replace", "default", "via", "192.168.10.220")
	if addrs := s1.ns.Addrs(t, "eth0"); len(addrs) == 0 || addrs[0] != other+"/32" {
		t.Fatalf("eth0's addresses %v: the other VIP is not listed first, the test proves nothing", addrs)
	}
	s1.expect(t, 0, "start", "ip="+vip, "vip_device=nic")
	l.routedVia(t, vip, s1.addr, 5*time.Second)
	s1.expect(t, 0, "stop", "ip="+vip, "vip_device=nic")
	s1.expect(t, 0, "stop", "ip="+other, "vip_device=nic")
	l.routedVia(t, vip, "", 5*time.Second)
}

// TestLinuxRIPv1NoBroadcast: RIPv1 goes to the subnet broadcast, which a
// /31 or a point-to-point /32 uplink lacks. validate-all (OCF_CHECK_LEVEL
// not 0) fails exactly as start does, and start changes nothing.
func TestLinuxRIPv1NoBroadcast(t *testing.T) {
	testnet.RequireRoot(t)
	tests := []struct {
		name string
		addr []string
		gw   string
		code int
	}{
		{"/31", []string{"192.168.10.0/31"}, "192.168.10.1", 5},
		{"point-to-point /32", []string{"192.168.10.221/32", "peer", "192.168.10.220"}, "192.168.10.220", 5},
		{"/24", []string{"192.168.10.221/24"}, "192.168.10.220", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := testnet.New(t)
			n := &node{ns: net.NS("server"), rsctmp: t.TempDir()}
			net.Veth(n.ns, "eth0", net.NS("router"), "eth0")
			n.ns.IP(t, append([]string{"addr", "add"}, append(tt.addr, "dev", "eth0")...)...)
			n.ns.IP(t, "route", "add", "default", "via", tt.gw, "dev", "eth0")
			p := []string{"ip=" + vip, "rip_version=1", "OCF_CHECK_LEVEL=10"}
			validate := n.expect(t, tt.code, "validate-all", p...)
			started := n.expect(t, tt.code, "start", p...)
			if tt.code == 0 {
				n.expect(t, 0, "stop", p...)
				return
			}
			vr, sr := exitReasons(validate), exitReasons(started)
			if len(vr) != 1 || len(sr) != 1 || vr[0] != sr[0] || !strings.Contains(vr[0], "no broadcast address") {
				t.Errorf("validate-all says %q, start %q: want the same one reason", vr, sr)
			}
			if n.ns.HasAddr(t, "lo", vip+"/32") || n.registered(vip) {
				t.Error("the refused start changed the host")
			}
		})
	}
}
