package announce

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/rip"
)

// The RIPv2 lab in IPv6: server1 behind a router, a client behind the same
// router, the VIP on no attached prefix.
const (
	vip6     = "2001:db8:13::229"
	server6  = "2001:db8:10::221"
	router6  = "2001:db8:10::220"
	client6  = "2001:db8:12::223"
	ngFRR    = "router ripng\n network eth0\n network eth1\nexit\n"
	ngBIRDv6 = `router id 192.168.10.220;
protocol device { }
protocol kernel { ipv6 { import none; export all; }; }
protocol rip ng rip1 {
  ecmp no;
  ipv6 { import all; export none; };
  interface "eth0" { };
}
`
)

var ripngMulticast = netip.MustParseAddr("ff02::9")

type lab6 struct {
	server, router, client *testnet.NS
	serverLL               netip.Addr // the RIPng source
}

func newLab6(t *testing.T) *lab6 {
	testnet.RequireRoot(t)
	n := testnet.New(t)
	l := &lab6{server: n.NS("server1"), router: n.NS("router"), client: n.NS("client")}
	for _, ns := range []*testnet.NS{l.server, l.router, l.client} {
		ns.NoDAD(t)
	}
	n.Veth(l.server, "eth0", l.router, "eth0")
	n.Veth(l.client, "eth0", l.router, "eth1")
	l.server.IP(t, "addr", "add", server6+"/64", "dev", "eth0")
	l.server.IP(t, "addr", "add", vip6+"/128", "dev", "lo")
	l.server.IP(t, "-6", "route", "add", "default", "via", router6)
	l.router.IP(t, "addr", "add", router6+"/64", "dev", "eth0")
	l.router.IP(t, "addr", "add", "2001:db8:12::220/64", "dev", "eth1")
	l.router.Run(t, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
	l.client.IP(t, "addr", "add", client6+"/64", "dev", "eth0")
	l.client.IP(t, "-6", "route", "add", "default", "via", "2001:db8:12::220")
	for _, a := range l.server.Addrs6(t, "eth0") {
		if p := netip.MustParsePrefix(a.CIDR); p.Addr().IsLinkLocalUnicast() {
			l.serverLL = p.Addr()
		}
	}
	if !l.serverLL.IsValid() {
		t.Fatalf("server has no link-local address: %v", l.server.Addrs6(t, "eth0"))
	}
	return l
}

// send announces the VIP from server1 once over RIPng.
func (l *lab6) send(t *testing.T, metric uint32, dst netip.Addr) {
	t.Helper()
	b, err := rip.MarshalNg(&rip.Message{Command: rip.Response, Routes: []rip.Route{
		{Prefix: netip.MustParsePrefix(vip6 + "/128"), Metric: metric},
	}})
	if err != nil {
		t.Fatal(err)
	}
	l.server.Do(t, func() {
		s, err := NewSender("eth0", ifindex(t, "eth0"), l.serverLL)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Send(dst, b); err != nil {
			t.Fatal(err)
		}
	})
}

func (l *lab6) viaServer(r testnet.Route, found bool) bool {
	return found && len(r.Via()) == 1 && r.Via()[0] == l.serverLL.String()
}

// learnAndWithdraw: learned as a /128 via the server's link-local
// address, the client pings the VIP through the router, a poison
// withdraws it.
func (l *lab6) learnAndWithdraw(t *testing.T, dst netip.Addr) {
	t.Helper()
	l.send(t, 1, dst)
	took, ok := l.router.WaitRoute(t, vip6, 5*time.Second, l.viaServer)
	if !ok {
		r, _ := l.router.Route(t, vip6)
		t.Fatalf("router did not learn %s via %s: %+v", vip6, l.serverLL, r)
	}
	if out, errOut, code, _ := l.client.RunErr("ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", vip6); code != 0 {
		t.Errorf("client cannot ping the VIP: %s%s", out, errOut)
	}
	l.send(t, rip.Infinity, dst)
	gone, ok := l.router.WaitRoute(t, vip6, 5*time.Second, func(_ testnet.Route, found bool) bool { return !found })
	if !ok {
		t.Fatal("poison did not withdraw the route")
	}
	t.Logf("learned %v after the packet was sent, withdrawn %v after the poison", took, gone)
}

func TestLinuxFRRRIPng(t *testing.T) {
	l := newLab6(t)
	frr := l.router.StartFRRNg(t, ngFRR)
	frr.WaitRIPng(t, "eth0")
	routerLL := ""
	for _, a := range l.router.Addrs6(t, "eth0") {
		if strings.HasPrefix(a.CIDR, "fe80:") {
			routerLL = strings.TrimSuffix(a.CIDR, "/64")
		}
	}
	for _, dst := range []string{"ff02::9", routerLL} {
		t.Run("to "+dst, func(t *testing.T) {
			l.learnAndWithdraw(t, netip.MustParseAddr(dst))
			if t.Failed() {
				t.Log(frr.Log())
			}
		})
	}
}

func TestLinuxBIRDRIPng(t *testing.T) {
	l := newLab6(t)
	bird := l.router.StartBIRD(t, ngBIRDv6)
	bird.WaitRIP(t, "eth0")
	l.learnAndWithdraw(t, ripngMulticast)
	if t.Failed() {
		t.Log(bird.Log())
	}
}

// TestLinuxRIPngOnTheWire reads a RIPng datagram at the router with
// tcpdump: from the server's link-local address and port 521 to ff02::9
// port 521, hop limit 255 (RFC 2080 §2.4.2), a correct UDP checksum, and
// the VIP as a /128 with metric 1.
func TestLinuxRIPngOnTheWire(t *testing.T) {
	l := newLab6(t)
	done := make(chan string, 1)
	go func() {
		out, errOut, _, _ := l.router.RunErr("timeout", "10", "tcpdump", "-i", "eth0", "-n", "-vv", "-l", "-c", "1", "udp", "port", "521")
		done <- out + errOut
	}()
	var out string
	for wait := true; wait; {
		select {
		case out = <-done:
			wait = false
		case <-time.After(100 * time.Millisecond):
			l.send(t, 1, ripngMulticast) // until tcpdump, starting, sees one
		}
	}
	for _, want := range []string{"hlim 255", l.serverLL.String() + ".521 > ff02::9.521", "[udp sum ok]", vip6 + "/128", "ripng-resp"} {
		if !strings.Contains(out, want) {
			t.Errorf("tcpdump shows no %q:\n%s", want, out)
		}
	}
}
