package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
)

const (
	vip6    = "2001:db8:60::100"
	farVIP6 = "2001:db8:99::5" // in no prefix of the node
)

// oneLink6 builds a node whose eth0 (2001:db8:60::1/64) is a veth to a
// peer (2001:db8:60::2/64). The base addresses skip duplicate address
// detection so the tests need not wait for them; the VIPs get it.
func oneLink6(t *testing.T) (*node, *testnet.NS) {
	testnet.RequireRoot(t)
	net := testnet.New(t)
	n, p := net.NS("node"), net.NS("peer")
	net.Veth(n, "eth0", p, "eth0")
	n.IP(t, "addr", "add", "2001:db8:60::1/64", "dev", "eth0", "nodad")
	p.IP(t, "addr", "add", "2001:db8:60::2/64", "dev", "eth0", "nodad")
	return newNode(t, n), p
}

func addrLabels(t *testing.T, ns *testnet.NS) string {
	t.Helper()
	return ns.IP(t, "addrlabel", "list")
}

func TestLinuxIPv6Lifecycle(t *testing.T) {
	n, _ := oneLink6(t)
	// Written the long way: the agent works with the canonical form.
	p := []string{"ip=2001:DB8:60:0:0:0:0:100", "arp_count=1"}
	n.expect(t, 7, "monitor", p...)
	n.must(t, "start", p...)
	a, ok := n.ns.Addr6(t, "eth0", vip6+"/64")
	if !ok {
		t.Fatalf("after start, eth0 has %v", n.ns.Addrs6(t, "eth0"))
	}
	if a.Tentative || a.DADFailed || a.Deprecated {
		t.Errorf("start returned before the address was usable: %+v", a)
	}
	if labels := addrLabels(t, n.ns); !strings.Contains(labels, "prefix "+vip6+"/128 label 99") {
		t.Errorf("no address label for the VIP (lvs_ipv6_addrlabel defaults to true):\n%s", labels)
	}
	n.expect(t, 0, "monitor", p...)
	n.expect(t, 0, "monitor", append(p, recurring())...)
	n.must(t, "start", p...)
	if got := len(n.ns.Addrs6(t, "eth0")); got != 3 { // base, link-local, VIP
		t.Errorf("after a second start eth0 has %v", n.ns.Addrs6(t, "eth0"))
	}
	n.must(t, "stop", p...)
	if _, ok := n.ns.Addr6(t, "eth0", vip6+"/64"); ok {
		t.Fatal("stop left the VIP configured")
	}
	if labels := addrLabels(t, n.ns); strings.Contains(labels, vip6) {
		t.Errorf("stop left the address label:\n%s", labels)
	}
	n.expect(t, 7, "monitor", append(p, recurring())...)
	n.must(t, "stop", p...)
}

// TestLinuxIPv6ExitCodes covers the IPv6 cases of resource-agents' exit
// codes, as measured on resource-agents 4.12, with the exceptions README.md
// documents ("Exit codes and where they differ from resource-agents").
func TestLinuxIPv6ExitCodes(t *testing.T) {
	n, _ := oneLink6(t)
	n.IP6Route(t)
	tests := []struct {
		name   string
		want   int
		action string
		params []string
	}{
		{"probe, not configured", 7, "monitor", []string{"ip=" + vip6}},
		{"probe, in no prefix", 7, "monitor", []string{"ip=" + farVIP6}},
		{"monitor, in no prefix", 1, "monitor", []string{"ip=" + farVIP6, recurring()}},
		{"validate-all, in no prefix", 1, "validate-all", []string{"ip=" + farVIP6}},
		{"validate-all, good", 0, "validate-all", []string{"ip=" + vip6}},
		{"start, in no prefix", 1, "start", []string{"ip=" + farVIP6}},
		{"start, only a via route", 1, "start", []string{"ip=2001:db8:77::1"}},
		{"stop, in no prefix", 0, "stop", []string{"ip=" + farVIP6}},
		{"start, nic missing", 5, "start", []string{"ip=" + vip6, "nic=nosuch0"}},
		{"validate-all, nic missing", 6, "validate-all", []string{"ip=" + vip6, "nic=nosuch0"}},
		{"probe, nic missing", 7, "monitor", []string{"ip=" + vip6, "nic=nosuch0"}},
		{"start, link-local without nic", 6, "start", []string{"ip=fe80::100"}},
		{"start, mask 129", 6, "start", []string{"ip=" + vip6, "cidr_netmask=129"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n.expect(t, tt.want, tt.action, tt.params...)
			for _, a := range n.ns.Addrs6(t, "eth0") {
				if strings.HasPrefix(a.CIDR, vip6+"/") || strings.HasPrefix(a.CIDR, farVIP6+"/") || strings.HasPrefix(a.CIDR, "2001:db8:77::1/") {
					t.Fatalf("the action left %s behind", a.CIDR)
				}
			}
		})
	}
}

// IP6Route adds a route via a gateway for 2001:db8:77::/64: resource-agents
// takes the gateway for the interface name; we must never choose it.
func (n *node) IP6Route(t *testing.T) {
	n.ns.IP(t, "-6", "route", "add", "2001:db8:77::/64", "via", "2001:db8:60::2", "dev", "eth0")
}

func TestLinuxIPv6GivenNICAndNetmask(t *testing.T) {
	n, _ := oneLink6(t)
	p := []string{"ip=" + farVIP6, "nic=eth0", "cidr_netmask=128", "arp_count=1", "nodad=true"}
	n.must(t, "start", p...)
	if _, ok := n.ns.Addr6(t, "eth0", farVIP6+"/128"); !ok {
		t.Fatalf("VIP outside every prefix not added with nic and cidr_netmask: %v", n.ns.Addrs6(t, "eth0"))
	}
	n.expect(t, 0, "monitor", append(p, recurring())...)
	n.expect(t, 0, "monitor", "ip="+farVIP6, "nic=eth0", "cidr_netmask=64", recurring()) // as recorded
	// Without the record, the running VIP's address label would count as
	// a leftover of this definition (1): leave labels out of it.
	n.unrecorded(t).expect(t, 7, "monitor", "ip="+farVIP6, "nic=eth0", "cidr_netmask=64", "lvs_ipv6_addrlabel=false", recurring())
	n.must(t, "stop", p...)
	if _, ok := n.ns.Addr6(t, "eth0", farVIP6+"/128"); ok {
		t.Fatal("stop left the VIP")
	}
}

func TestLinuxIPv6LinkLocal(t *testing.T) {
	n, _ := oneLink6(t)
	p := []string{"ip=fe80::100", "nic=eth0", "arp_count=1"}
	n.must(t, "start", p...)
	if _, ok := n.ns.Addr6(t, "eth0", "fe80::100/64"); !ok {
		t.Fatalf("link-local VIP not on eth0 with the fe80::/64 prefix: %v", n.ns.Addrs6(t, "eth0"))
	}
	n.expect(t, 0, "monitor", append(p, recurring())...)
	n.must(t, "stop", p...)
	if _, ok := n.ns.Addr6(t, "eth0", "fe80::100/64"); ok {
		t.Fatal("stop left the VIP")
	}
}

func TestLinuxIPv6Options(t *testing.T) {
	n, _ := oneLink6(t)
	p := []string{"ip=" + vip6, "nodad=true", "preferred_lft=0", "noprefixroute=true", "lvs_ipv6_addrlabel=false", "arp_count=1"}
	n.must(t, "start", p...)
	a, ok := n.ns.Addr6(t, "eth0", vip6+"/64")
	if !ok || !a.Deprecated || a.Tentative {
		t.Errorf("want %s/64 deprecated (preferred_lft=0) and not tentative (nodad): %+v", vip6, n.ns.Addrs6(t, "eth0"))
	}
	out := n.ns.IP(t, "-6", "-o", "addr", "show", "dev", "eth0")
	if !strings.Contains(out, vip6+"/64 scope global nodad deprecated noprefixroute") {
		t.Errorf("flags: %s", out)
	}
	if labels := addrLabels(t, n.ns); strings.Contains(labels, vip6) {
		t.Errorf("an address label although lvs_ipv6_addrlabel=false:\n%s", labels)
	}
	// A deprecated address still runs: it answers, it is only never a
	// source.
	n.expect(t, 0, "monitor", append(p, recurring())...)
	n.must(t, "stop", p...)
	n.must(t, "start", "ip="+vip6, "lvs_ipv6_addrlabel_value=1234", "nodad=true", "arp_count=1")
	if labels := addrLabels(t, n.ns); !strings.Contains(labels, "prefix "+vip6+"/128 label 1234") {
		t.Errorf("lvs_ipv6_addrlabel_value not used:\n%s", labels)
	}
	n.must(t, "stop", "ip="+vip6, "lvs_ipv6_addrlabel_value=1234")
	if labels := addrLabels(t, n.ns); strings.Contains(labels, vip6) {
		t.Errorf("stop left the address label:\n%s", labels)
	}
}

// TestLinuxIPv6Collision starts a VIP that the peer already holds: the
// kernel's duplicate address detection sees the peer's answer, and start
// must fail, leaving neither the address nor its label behind.
func TestLinuxIPv6Collision(t *testing.T) {
	n, peer := oneLink6(t)
	peer.IP(t, "addr", "add", vip6+"/64", "dev", "eth0", "nodad")
	r := n.expect(t, 1, "start", "ip="+vip6)
	if rs := r.reasons(); len(rs) != 1 || !strings.Contains(rs[0], "IPv6 address collision") {
		t.Errorf("exit reason %q, want one saying IPv6 address collision", rs)
	}
	if _, ok := n.ns.Addr6(t, "eth0", vip6+"/64"); ok {
		t.Errorf("the failed start left the address: %v", n.ns.Addrs6(t, "eth0"))
	}
	if labels := addrLabels(t, n.ns); strings.Contains(labels, vip6) {
		t.Errorf("the failed start left the address label:\n%s", labels)
	}
	n.expect(t, 7, "monitor", "ip="+vip6, recurring())
	n.must(t, "stop", "ip="+vip6)
}

// TestLinuxIPv6MonitorStates checks that monitor reads the detection's
// state: tentative (detection cannot run on a link without carrier) is not
// running yet, dadfailed is a failure.
func TestLinuxIPv6MonitorStates(t *testing.T) {
	n, peer := oneLink6(t)
	p := []string{"ip=" + vip6, "nic=eth0", "cidr_netmask=64", "check_link_status=false", recurring()}

	peer.IP(t, "link", "set", "eth0", "down")
	n.ns.IP(t, "addr", "add", vip6+"/64", "dev", "eth0")
	if a, _ := n.ns.Addr6(t, "eth0", vip6+"/64"); !a.Tentative {
		t.Fatalf("setup: the address is not tentative: %+v", a)
	}
	n.expect(t, 7, "monitor", p...)
	n.ns.IP(t, "addr", "del", vip6+"/64", "dev", "eth0")

	peer.IP(t, "link", "set", "eth0", "up")
	peer.IP(t, "addr", "add", vip6+"/64", "dev", "eth0", "nodad")
	n.ns.IP(t, "addr", "add", vip6+"/64", "dev", "eth0")
	if !testnet.Eventually(10*time.Second, 20*time.Millisecond, func() bool {
		a, _ := n.ns.Addr6(t, "eth0", vip6+"/64")
		return a.DADFailed
	}) {
		t.Fatalf("setup: detection never failed: %v", n.ns.Addrs6(t, "eth0"))
	}
	r := n.expect(t, 1, "monitor", p...)
	if rs := r.reasons(); len(rs) != 1 || !strings.Contains(rs[0], "collision") {
		t.Errorf("exit reason %q", rs)
	}
	n.must(t, "stop", p...)
	if _, ok := n.ns.Addr6(t, "eth0", vip6+"/64"); ok {
		t.Error("stop left the dadfailed address")
	}
}

// TestLinuxIPv6ClientsFollow moves a VIP between two nodes while a client
// holds a neighbour entry for it: the unsolicited advertisement (Override
// set) must switch the entry to the new node's MAC. The control run moves
// it by hand and shows the entry would otherwise stay on the old node.
func TestLinuxIPv6ClientsFollow(t *testing.T) {
	nsA, nsB, client := lanOfThree(t)
	for i, ns := range []*testnet.NS{nsA, nsB, client} {
		ns.IP(t, "addr", "add", "2001:db8:62::"+string(rune('1'+i))+"/64", "dev", "eth0", "nodad")
	}
	client.Run(t, "sysctl", "-qw", "net.ipv6.neigh.eth0.base_reachable_time_ms=120000")
	const ip = "2001:db8:62::100"
	macA, macB := nsA.MAC(t, "eth0"), nsB.MAC(t, "eth0")
	a, b := newNode(t, nsA), newNode(t, nsB)
	learn := func() {
		t.Helper()
		client.Run(t, "ping", "-6", "-c", "1", "-W", "2", ip)
	}
	waitMAC := func(want string, within time.Duration) bool {
		for start := time.Now(); time.Since(start) < within; time.Sleep(2 * time.Millisecond) {
			if mac, _, ok := client.Neigh(t, ip); ok && mac == want {
				return true
			}
		}
		return false
	}

	// Control: move the address by hand, with no advertisement.
	nsA.IP(t, "addr", "add", ip+"/64", "dev", "eth0", "nodad")
	learn()
	if !waitMAC(macA, 5*time.Second) {
		t.Fatal("control: client never learned node A's MAC")
	}
	nsA.IP(t, "addr", "del", ip+"/64", "dev", "eth0")
	nsB.IP(t, "addr", "add", ip+"/64", "dev", "eth0", "nodad")
	if waitMAC(macB, 2*time.Second) {
		t.Fatal("control: the client switched without any advertisement; the check below would prove nothing")
	}
	nsB.IP(t, "addr", "del", ip+"/64", "dev", "eth0")

	// The agents: start on A, then move to B.
	p := []string{"ip=" + ip, "nodad=true"}
	a.must(t, "start", p...)
	learn()
	if !waitMAC(macA, 5*time.Second) {
		t.Fatal("client does not reach the VIP on node A")
	}
	time.Sleep(1500 * time.Millisecond) // past the advertisements of A
	a.must(t, "stop", p...)
	b.must(t, "start", p...)
	if !waitMAC(macB, 5*time.Second) {
		t.Fatal("the client's neighbour entry never switched to node B: no advertisement reached it")
	}
	learn() // and the VIP answers there
	b.must(t, "stop", p...)
}
