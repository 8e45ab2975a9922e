package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ocfnet/ocfnet/internal/testnet"
)

const (
	vip    = "192.168.60.100"
	farVIP = "192.168.99.5" // in no subnet of the node
)

// oneLink builds a node whose eth0 (192.168.60.1/24) is a veth to a peer
// namespace (192.168.60.2/24).
func oneLink(t *testing.T) (*node, *testnet.NS) {
	testnet.RequireRoot(t)
	net := testnet.New(t)
	n, p := net.NS("node"), net.NS("peer")
	net.Veth(n, "eth0", p, "eth0")
	n.IP(t, "addr", "add", "192.168.60.1/24", "dev", "eth0")
	p.IP(t, "addr", "add", "192.168.60.2/24", "dev", "eth0")
	return newNode(t, n), p
}

func recurring() string { return "CRM_meta_interval=10000" }

func TestLinuxLifecycle(t *testing.T) {
	n, _ := oneLink(t)
	p := []string{"ip=" + vip, "arp_count=1"}
	n.expect(t, 7, "monitor", p...)
	n.expect(t, 7, "monitor", append(p, recurring())...)
	n.must(t, "start", p...)
	if !n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatalf("after start, eth0 has %v", n.ns.Addrs(t, "eth0"))
	}
	if out := n.ns.IP(t, "-4", "-o", "addr", "show", "dev", "eth0"); !strings.Contains(out, vip+"/24 brd 192.168.60.255 ") {
		t.Errorf("broadcast not set from the subnet: %s", out)
	}
	n.expect(t, 0, "monitor", p...)
	n.expect(t, 0, "monitor", append(p, recurring())...)
	if r := n.expect(t, 0, "status", p...); strings.TrimSpace(r.stdout) != "running" {
		t.Errorf("status printed %q", r.stdout)
	}
	n.must(t, "start", p...)
	if got := strings.Count(n.ns.IP(t, "-4", "-o", "addr", "show"), " "+vip+"/"); got != 1 {
		t.Errorf("after a second start the VIP is configured %d times", got)
	}
	n.must(t, "stop", p...)
	if n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatal("stop left the VIP configured")
	}
	n.expect(t, 7, "monitor", append(p, recurring())...)
	if r := n.expect(t, 7, "status", p...); strings.TrimSpace(r.stdout) != "stopped" {
		t.Errorf("status printed %q", r.stdout)
	}
	n.must(t, "stop", p...)
}

// TestLinuxExitCodes covers the host-dependent rows of resource-agents'
// exit codes, as measured on resource-agents 4.12, with the exceptions
// README.md documents ("Exit codes and where they differ from
// resource-agents").
func TestLinuxExitCodes(t *testing.T) {
	n, _ := oneLink(t)
	tests := []struct {
		name   string
		want   int
		action string
		params []string
	}{
		{"probe, not configured", 7, "monitor", []string{"ip=" + vip}},
		{"probe, in no subnet", 7, "monitor", []string{"ip=" + farVIP}},
		{"monitor, in no subnet", 1, "monitor", []string{"ip=" + farVIP, recurring()}},
		{"status, in no subnet", 1, "status", []string{"ip=" + farVIP}},
		{"validate-all, in no subnet", 1, "validate-all", []string{"ip=" + farVIP}},
		{"validate-all, good", 0, "validate-all", []string{"ip=" + vip}},
		{"start, in no subnet", 1, "start", []string{"ip=" + farVIP}},
		{"start, in no subnet, nic only", 1, "start", []string{"ip=" + farVIP, "nic=eth0"}},
		{"stop, in no subnet", 0, "stop", []string{"ip=" + farVIP}},
		{"stop, nic missing", 0, "stop", []string{"ip=" + vip, "nic=nosuch0"}},
		{"start, nic missing", 5, "start", []string{"ip=" + vip, "nic=nosuch0"}},
		{"validate-all, nic missing", 6, "validate-all", []string{"ip=" + vip, "nic=nosuch0"}},
		{"monitor, nic missing, no mask", 1, "monitor", []string{"ip=" + vip, "nic=nosuch0", recurring()}},
		{"monitor, nic missing, mask", 7, "monitor", []string{"ip=" + vip, "nic=nosuch0", "cidr_netmask=24", recurring()}},
		{"probe, nic missing", 7, "monitor", []string{"ip=" + vip, "nic=nosuch0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n.expect(t, tt.want, tt.action, tt.params...)
			if n.ns.HasAddr(t, "eth0", vip+"/24") || strings.Contains(n.ns.IP(t, "-4", "-o", "addr", "show"), farVIP) {
				t.Fatal("the action left an address behind")
			}
		})
	}
}

func TestLinuxGivenNICAndNetmask(t *testing.T) {
	n, _ := oneLink(t)
	p := []string{"ip=" + farVIP, "nic=eth0", "cidr_netmask=24", "arp_count=1"}
	n.must(t, "start", p...)
	if !n.ns.HasAddr(t, "eth0", farVIP+"/24") {
		t.Fatal("VIP outside every subnet not added with nic and cidr_netmask given")
	}
	n.expect(t, 0, "monitor", append(p, recurring())...)
	// Start's record decides where the VIP is; without one, the exact
	// prefix given does.
	n.expect(t, 0, "monitor", "ip="+farVIP, "nic=eth0", "cidr_netmask=25", recurring())
	n.unrecorded(t).expect(t, 7, "monitor", "ip="+farVIP, "nic=eth0", "cidr_netmask=25", recurring())
	n.must(t, "stop", p...)
	if n.ns.HasAddr(t, "eth0", farVIP+"/24") {
		t.Fatal("stop left the VIP")
	}
}

func TestLinuxDottedNetmaskAndBroadcast(t *testing.T) {
	n, _ := oneLink(t)
	n.must(t, "start", "ip="+vip, "cidr_netmask=255.255.255.128", "broadcast=-", "arp_count=1")
	out := n.ns.IP(t, "-4", "-o", "addr", "show", "dev", "eth0")
	if !strings.Contains(out, vip+"/25 brd 192.168.60.0 ") {
		t.Errorf("want %s/25 with broadcast 192.168.60.0: %s", vip, out)
	}
	n.must(t, "stop", "ip="+vip, "cidr_netmask=255.255.255.128")
	n.must(t, "start", "ip="+vip, "broadcast=192.168.60.127", "arp_count=1")
	if out := n.ns.IP(t, "-4", "-o", "addr", "show", "dev", "eth0"); !strings.Contains(out, vip+"/24 brd 192.168.60.127 ") {
		t.Errorf("explicit broadcast not applied: %s", out)
	}
}

func TestLinuxLabel(t *testing.T) {
	n, _ := oneLink(t)
	n.must(t, "start", "ip="+vip, "iflabel=vip1", "arp_count=1")
	if out := n.ns.IP(t, "-4", "-o", "addr", "show", "dev", "eth0"); !strings.Contains(out, "eth0:vip1") {
		t.Fatalf("label missing: %s", out)
	}
	n.expect(t, 0, "monitor", "ip="+vip, "iflabel=vip1", recurring())
	n.expect(t, 1, "monitor", "ip="+vip, "iflabel=other", recurring())
	n.must(t, "stop", "ip="+vip)
	// The old nic:label form.
	n.must(t, "start", "ip="+vip, "nic=eth0:old", "arp_count=1")
	if out := n.ns.IP(t, "-4", "-o", "addr", "show", "dev", "eth0"); !strings.Contains(out, "eth0:old") {
		t.Fatalf("nic:label form not applied: %s", out)
	}
	n.must(t, "stop", "ip="+vip, "nic=eth0:old")
	// Present without the label: start refuses rather than claim success.
	n.ns.IP(t, "addr", "add", vip+"/24", "dev", "eth0")
	n.expect(t, 1, "start", "ip="+vip, "iflabel=vip1")
	n.expect(t, 1, "monitor", "ip="+vip, "iflabel=vip1", recurring())
}

func TestLinuxWrongInterfaceOrPrefix(t *testing.T) {
	n, _ := oneLink(t)
	net2 := testnet.New(t)
	q := net2.NS("q")
	net2.Veth(n.ns, "eth1", q, "eth0")
	n.ns.IP(t, "addr", "add", "192.168.61.1/24", "dev", "eth1")

	n.must(t, "start", "ip="+vip, "arp_count=1")
	// With start's record, monitor looks where start put the VIP, whatever
	// nic and cidr_netmask say now; without it, where they say.
	n.expect(t, 0, "monitor", "ip="+vip, "nic=eth1", recurring())
	n.expect(t, 0, "monitor", "ip="+vip, "cidr_netmask=16", recurring())
	u := n.unrecorded(t)
	u.expect(t, 7, "monitor", "ip="+vip, "nic=eth1", "cidr_netmask=24", recurring())
	u.expect(t, 7, "monitor", "ip="+vip, "cidr_netmask=16", recurring())
	u.expect(t, 0, "monitor", "ip="+vip, "nic=eth0", "cidr_netmask=24", recurring())
}

// TestLinuxOverlappingSubnets: the VIP goes where the kernel would route
// it: the longest prefix, whatever the order of the routes.
func TestLinuxOverlappingSubnets(t *testing.T) {
	testnet.RequireRoot(t)
	net := testnet.New(t)
	nsN, a, b := net.NS("node"), net.NS("a"), net.NS("b")
	net.Veth(nsN, "wide", a, "eth0")
	net.Veth(nsN, "narrow", b, "eth0")
	nsN.IP(t, "addr", "add", "10.20.0.1/16", "dev", "wide")
	nsN.IP(t, "addr", "add", "10.20.5.1/24", "dev", "narrow")
	n := newNode(t, nsN)
	n.must(t, "start", "ip=10.20.5.77", "arp_count=1")
	n.must(t, "start", "ip=10.20.9.77", "arp_count=1")
	if !nsN.HasAddr(t, "narrow", "10.20.5.77/24") || !nsN.HasAddr(t, "wide", "10.20.9.77/16") {
		t.Fatalf("wrong placement: narrow %v wide %v", nsN.Addrs(t, "narrow"), nsN.Addrs(t, "wide"))
	}
	// Equal prefixes: the lower metric wins.
	nsN.IP(t, "route", "add", "10.30.0.0/24", "dev", "wide", "metric", "200")
	nsN.IP(t, "route", "add", "10.30.0.0/24", "dev", "narrow", "metric", "50")
	n.must(t, "start", "ip=10.30.0.9", "arp_count=1")
	if !nsN.HasAddr(t, "narrow", "10.30.0.9/24") {
		t.Fatalf("lower metric not chosen: narrow %v", nsN.Addrs(t, "narrow"))
	}
	for _, ip := range []string{"10.20.5.77", "10.20.9.77", "10.30.0.9"} {
		n.must(t, "stop", "ip="+ip)
	}
}

// TestLinuxInterfaceDown: with the interface down its route is gone, yet
// stop must still remove the VIP (resource-agents returns 0 and leaves it).
func TestLinuxInterfaceDown(t *testing.T) {
	n, _ := oneLink(t)
	n.must(t, "start", "ip="+vip, "arp_count=1")
	n.ns.IP(t, "link", "set", "eth0", "down")
	n.expect(t, 7, "monitor", "ip="+vip, recurring())
	n.expect(t, 7, "monitor", "ip="+vip)
	n.must(t, "stop", "ip="+vip)
	if n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatal("stop returned 0 with the VIP still on the down interface")
	}
	// The same with nic and cidr_netmask given (no route needed at all).
	n.ns.IP(t, "link", "set", "eth0", "up")
	n.must(t, "start", "ip="+vip, "nic=eth0", "cidr_netmask=24", "arp_count=1")
	n.ns.IP(t, "link", "set", "eth0", "down")
	n.expect(t, 7, "monitor", "ip="+vip, "nic=eth0", "cidr_netmask=24", recurring())
	n.must(t, "stop", "ip="+vip, "nic=eth0", "cidr_netmask=24")
	if n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatal("stop left the VIP on the down interface")
	}
	// With check_link_status=false a down link does not matter to monitor.
	n.ns.IP(t, "link", "set", "eth0", "up")
	n.must(t, "start", "ip="+vip, "arp_count=1")
	n.ns.IP(t, "link", "set", "eth0", "down")
	n.expect(t, 0, "monitor", "ip="+vip, "check_link_status=false", recurring())
	n.must(t, "stop", "ip="+vip)
}

// TestLinuxNoCarrier: start on an up interface whose peer is down fails
// and leaves nothing behind.
func TestLinuxNoCarrier(t *testing.T) {
	n, p := oneLink(t)
	p.IP(t, "link", "set", "eth0", "down")
	n.expect(t, 1, "start", "ip="+vip, "nic=eth0", "cidr_netmask=24")
	if n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatal("failed start left the VIP")
	}
	n.must(t, "start", "ip="+vip, "nic=eth0", "cidr_netmask=24", "check_link_status=false", "arp_count=1")
}

// TestLinuxAdminDownNICBroughtUp: start brings the chosen interface up, as
// resource-agents does, and a failed start would have undone that.
func TestLinuxAdminDownNICBroughtUp(t *testing.T) {
	n, _ := oneLink(t)
	n.ns.IP(t, "link", "set", "eth0", "down")
	n.must(t, "start", "ip="+vip, "nic=eth0", "cidr_netmask=24", "arp_count=1")
	if out := n.ns.IP(t, "-o", "link", "show", "eth0"); !strings.Contains(out, ",UP") {
		t.Errorf("eth0 not brought up: %s", out)
	}
	n.expect(t, 0, "monitor", "ip="+vip, "nic=eth0", "cidr_netmask=24", recurring())
}

// TestLinuxRouteMovedToAnotherInterface: after start, a better route for
// the subnet appears on another interface; stop still removes the VIP from
// where it is (resource-agents removes from the new interface, returns 0,
// and leaves the VIP).
func TestLinuxRouteMovedToAnotherInterface(t *testing.T) {
	n, _ := oneLink(t)
	net2 := testnet.New(t)
	q := net2.NS("q")
	net2.Veth(n.ns, "eth1", q, "eth0")
	n.must(t, "start", "ip="+vip, "arp_count=1")
	n.ns.IP(t, "route", "add", "192.168.60.0/25", "dev", "eth1")
	n.ns.IP(t, "route", "add", "192.168.60.64/26", "dev", "eth1")
	n.expect(t, 0, "monitor", "ip="+vip, recurring())
	n.must(t, "stop", "ip="+vip)
	if n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatal("stop left the VIP on eth0")
	}
}

func TestLinuxAltName(t *testing.T) {
	n, _ := oneLink(t)
	n.ns.IP(t, "link", "property", "add", "dev", "eth0", "altname", "uplink-alt")
	n.must(t, "start", "ip="+vip, "nic=uplink-alt", "arp_count=1")
	if !n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatal("VIP not added through the alternative name")
	}
	n.expect(t, 0, "monitor", "ip="+vip, "nic=uplink-alt", recurring())
	n.ns.IP(t, "link", "set", "eth0", "down")
	n.expect(t, 7, "monitor", "ip="+vip, "nic=uplink-alt", recurring())
	n.must(t, "stop", "ip="+vip, "nic=uplink-alt")
	if n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatal("stop through the alternative name left the VIP")
	}
}

func TestLinuxLoopback(t *testing.T) {
	n, _ := oneLink(t)
	p := []string{"ip=127.0.0.3"}
	n.must(t, "start", p...)
	if !n.ns.HasAddr(t, "lo", "127.0.0.3/8") {
		t.Fatalf("lo has %v", n.ns.Addrs(t, "lo"))
	}
	n.expect(t, 0, "monitor", p...)
	n.must(t, "stop", p...)
	if n.ns.HasAddr(t, "lo", "127.0.0.3/8") {
		t.Fatal("stop left 127.0.0.3")
	}
}

// TestLinuxLVS: a real server's /32 copy on lo is taken away on start and
// restored on stop.
func TestLinuxLVS(t *testing.T) {
	n, _ := oneLink(t)
	n.ns.IP(t, "addr", "add", vip+"/32", "dev", "lo")
	n.must(t, "start", "ip="+vip, "lvs_support=true", "arp_count=1")
	if n.ns.HasAddr(t, "lo", vip+"/32") || !n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatalf("after start: lo %v eth0 %v", n.ns.Addrs(t, "lo"), n.ns.Addrs(t, "eth0"))
	}
	n.must(t, "stop", "ip="+vip, "lvs_support=true")
	if !n.ns.HasAddr(t, "lo", vip+"/32") || n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatalf("after stop: lo %v eth0 %v", n.ns.Addrs(t, "lo"), n.ns.Addrs(t, "eth0"))
	}
	// Without lvs_support the copy on lo is left alone, and monitor does
	// not mistake it for the VIP.
	n.must(t, "start", "ip="+vip, "arp_count=1")
	if !n.ns.HasAddr(t, "lo", vip+"/32") {
		t.Fatal("lo copy removed without lvs_support")
	}
	n.must(t, "stop", "ip="+vip)
	n.expect(t, 7, "monitor", "ip="+vip, recurring())
}

// TestLinuxStopUnrecorded: a VIP added without this agent (no state, e.g.
// HA_RSCTMP lost) is still removed: stop never returns 0 while it is there.
func TestLinuxStopUnrecorded(t *testing.T) {
	n, _ := oneLink(t)
	n.ns.IP(t, "link", "set", "eth0", "down")
	n.ns.IP(t, "addr", "add", vip+"/24", "dev", "eth0")
	n.must(t, "stop", "ip="+vip)
	if n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Fatal("stop left an unrecorded VIP on a down interface")
	}
}

func TestLinuxNoPrefixRoute(t *testing.T) {
	n, _ := oneLink(t)
	n.must(t, "start", "ip=192.168.70.5", "nic=eth0", "cidr_netmask=24", "noprefixroute=true", "arp_count=1")
	if out := n.ns.IP(t, "-4", "route", "show", "192.168.70.0/24"); strings.TrimSpace(out) != "" {
		t.Errorf("noprefixroute: a prefix route exists: %s", out)
	}
	if out := n.ns.IP(t, "-4", "-o", "addr", "show", "dev", "eth0"); !strings.Contains(out, "noprefixroute") {
		t.Errorf("noprefixroute flag missing: %s", out)
	}
}

// TestLinuxParallel starts and stops 20 VIPs on one interface at once:
// netlink dumps interrupted by concurrent changes must not confuse anyone.
func TestLinuxParallel(t *testing.T) {
	n, _ := oneLink(t)
	const count = 20
	ips := make([]string, count)
	for i := range ips {
		ips[i] = fmt.Sprintf("192.168.60.%d", 150+i)
	}
	parallel := func(action string) {
		var wg sync.WaitGroup
		codes := make([]int, count)
		for i, ip := range ips {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = n.run(t, action, "ip="+ip, "arp_count=2", "arp_interval=50").code
			}()
		}
		wg.Wait()
		for i, c := range codes {
			if c != 0 {
				t.Errorf("%s %s: code %d", action, ips[i], c)
			}
		}
	}
	parallel("start")
	for _, ip := range ips {
		if !n.ns.HasAddr(t, "eth0", ip+"/24") {
			t.Errorf("%s missing after parallel start", ip)
		}
		n.expect(t, 0, "monitor", "ip="+ip, recurring())
	}
	parallel("stop")
	if out := n.ns.IP(t, "-4", "-o", "addr", "show", "dev", "eth0"); strings.Count(out, "inet ") != 1 {
		t.Errorf("after parallel stop eth0 has: %s", out)
	}
}
