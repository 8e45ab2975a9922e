package main

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
)

// vip6 lives on no link of the IPv6 lab.
const vip6 = "2001:db8:13::229"

// newLab6 is newLab in IPv6: server1 (2001:db8:10::221) and server2
// (2001:db8:11::222) on their own links behind one router, the client
// (2001:db8:12::223) behind it too. RIPng routes go via the servers'
// link-local addresses, which become the nodes' addr.
func newLab6(t testing.TB) *lab {
	testnet.RequireRoot(t)
	rsctmp1, rsctmp2 := t.TempDir(), t.TempDir()
	net := testnet.New(t)
	l := &lab{router: net.NS("router"), client: net.NS("client")}
	l.s1 = &node{ns: net.NS("server1"), rsctmp: rsctmp1}
	l.s2 = &node{ns: net.NS("server2"), rsctmp: rsctmp2}
	for _, ns := range []*testnet.NS{l.router, l.client, l.s1.ns, l.s2.ns} {
		ns.NoDAD(t)
	}
	for i, n := range []*node{l.s1, l.s2} {
		rif := fmt.Sprintf("eth%d", i)
		net.Veth(n.ns, "eth0", l.router, rif)
		prefix := fmt.Sprintf("2001:db8:%d::", 10+i)
		n.ns.IP(t, "addr", "add", fmt.Sprintf("%s%d/64", prefix, 221+i), "dev", "eth0")
		n.ns.IP(t, "-6", "route", "add", "default", "via", prefix+"220")
		l.router.IP(t, "addr", "add", prefix+"220/64", "dev", rif)
		for _, a := range n.ns.Addrs6(t, "eth0") {
			if p := netip.MustParsePrefix(a.CIDR); p.Addr().IsLinkLocalUnicast() {
				n.addr = p.Addr().String()
			}
		}
	}
	net.Veth(l.client, "eth0", l.router, "eth2")
	l.router.IP(t, "addr", "add", "2001:db8:12::220/64", "dev", "eth2")
	l.client.IP(t, "addr", "add", "2001:db8:12::223/64", "dev", "eth0")
	l.client.IP(t, "-6", "route", "add", "default", "via", "2001:db8:12::220")
	l.router.Run(t, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
	return l
}

// clientReaches6 pings ip from the client through the router.
func (l *lab) clientReaches6(t testing.TB, ip string) {
	t.Helper()
	if out, errOut, code, _ := l.client.RunErr("ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", ip); code != 0 {
		t.Fatalf("client cannot reach %s: %s%s", ip, out, errOut)
	}
}

// birdConf6 leaves ECMP at its default (on), as birdConf does.
const birdConf6 = `router id 192.168.12.220;
protocol device { }
protocol kernel { ipv6 { import none; export all; }; }
protocol rip ng rip1 {
  ipv6 { import all; export none; };
  interface "eth0", "eth1" { };
}
`

var routerKinds6 = []routerKind{
	{"FRR ripngd", func(t testing.TB, l *lab, _ string) {
		l.router.StartFRRNg(t, "router ripng\n network eth0\n network eth1\nexit\n").WaitRIPng(t, "eth0", "eth1")
	}},
	{"BIRD RIPng", func(t testing.TB, l *lab, _ string) {
		l.router.StartBIRD(t, birdConf6).WaitRIP(t, "eth0", "eth1")
	}},
}

// TestLinuxIPv6 runs a VIP's life over RIPng with each router: learned
// via server1's link-local address from a zero-configuration start, a
// planned switchover, a takeover after server2's announcer crashed, and
// the withdrawal on stop; the client pings the VIP wherever it is.
func TestLinuxIPv6(t *testing.T) {
	for _, r := range routerKinds6 {
		t.Run(r.name, func(t *testing.T) {
			l := newLab6(t)
			r.start(t, l, "")
			p := []string{"ip=" + vip6, "takeover_time=1", "interval=2"}
			l.s1.expect(t, 7, "monitor", p...)
			began := time.Now()
			l.s1.expect(t, 0, "start", p...)
			startTook := time.Since(began)
			learned := l.routedVia(t, vip6, l.s1.addr, 5*time.Second)
			t.Logf("%s routes the VIP via %s %v after start returned (start took %v)", r.name, l.s1.addr, learned, startTook)
			if _, ok := l.s1.ns.Addr6(t, "lo", vip6+"/128"); !ok {
				t.Fatalf("VIP not held on lo: %v", l.s1.ns.Addrs6(t, "lo"))
			}
			l.clientReaches6(t, vip6)
			l.s1.expect(t, 0, "monitor", append(p, recv)...)

			moved := time.Now()
			l.s1.expect(t, 0, "stop", p...)
			l.s2.expect(t, 0, "start", p...)
			l.routedVia(t, vip6, l.s2.addr, 5*time.Second)
			t.Logf("%s: planned switchover followed %v after the move began", r.name, time.Since(moved))
			l.clientReaches6(t, vip6)

			time.Sleep(2500 * time.Millisecond) // server2 past its takeover window
			l.s2.killAnnouncer(t)
			crashed := time.Now()
			l.s1.expect(t, 0, "start", p...)
			l.routedVia(t, vip6, l.s1.addr, 10*time.Second) // at once, not after the 180 s timeout
			t.Logf("%s: takeover after a crash followed %v after it", r.name, time.Since(crashed))
			l.clientReaches6(t, vip6)
			if code, stderr := l.s2.run(t, "monitor", append(p, recv)...); code != 1 || !strings.Contains(stderr, "announcer") {
				t.Errorf("monitor with a killed announcer: %d %s", code, stderr)
			}
			l.s2.expect(t, 0, "stop", p...)
			time.Sleep(300 * time.Millisecond)
			l.routedVia(t, vip6, l.s1.addr, time.Second) // server2's poison left server1's route alone

			stopped := time.Now()
			l.s1.expect(t, 0, "stop", p...)
			l.routedVia(t, vip6, "", 5*time.Second)
			t.Logf("%s: route withdrawn %v after stop began", r.name, time.Since(stopped))
			if _, ok := l.s1.ns.Addr6(t, "lo", vip6+"/128"); ok {
				t.Error("stop left the VIP on lo")
			}
		})
	}
}

// TestLinuxIPv6Refusals: what RIPng cannot do is refused before anything
// changes.
func TestLinuxIPv6Refusals(t *testing.T) {
	l := newLab6(t)
	l.s1.expect(t, 6, "start", "ip="+vip6, "auth_mode=md5", "auth_key=s3cret")
	l.s1.expect(t, 6, "start", "ip="+vip6, "source=2001:db8:10::221")
	l.s1.expect(t, 5, "start", "ip="+vip6, "source=fe80::99")
	l.s1.expect(t, 5, "start", "ip="+vip6, "nic=nosuch0")
	if _, ok := l.s1.ns.Addr6(t, "lo", vip6+"/128"); ok || l.s1.announcerWithin(time.Second) != 0 {
		t.Error("a refused start left the VIP or an announcer")
	}
}

// TestLinuxIPv6CoexistsWithLocalRouter: a bird running RIPng on the node
// itself holds port 521; the announcer still announces and withdraws, and
// bird keeps the port.
func TestLinuxIPv6CoexistsWithLocalRouter(t *testing.T) {
	l := newLab6(t)
	routerKinds6[0].start(t, l, "")
	coexistsWithLocalBIRD(t, l, vip6, ":521", `router id 192.168.10.221;
protocol device { }
protocol rip ng ripself { ipv6 { import none; export none; }; interface "eth0" { }; }
`)
}
