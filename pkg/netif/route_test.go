package netif

import (
	"net/netip"
	"testing"
)

func link(dst string, index, metric int) Route {
	return Route{Dst: netip.MustParsePrefix(dst), LinkIndex: index, Metric: metric,
		Table: TableMain, Type: TypeUnicast, Scope: ScopeLink, Protocol: 2}
}

func TestSelect(t *testing.T) {
	gw := link("10.9.0.0/16", 7, 0)
	gw.Gateway, gw.Scope = true, 0
	local := link("10.1.1.0/24", 8, 0)
	local.Table = TableLocal
	unreach := link("10.1.0.0/16", 9, 0)
	unreach.Type = 7 // RTN_UNREACHABLE
	deflt := link("0.0.0.0/0", 10, 0)
	static := link("10.1.1.0/24", 11, 0)
	static.Protocol = 4
	// IPv6 routes: universe scope, metric always set by the kernel.
	v6 := func(dst string, index, metric int) Route {
		r := link(dst, index, metric)
		r.Scope = 0
		return r
	}
	v6via := v6("2001:db8:5::/64", 12, 1024)
	v6via.Gateway = true
	tests := []struct {
		name      string
		routes    []Route
		vip       string
		want      Want
		wantIndex int
		wantBits  int
		wantOK    bool
	}{
		{"single subnet", []Route{link("10.1.1.0/24", 2, 0)}, "10.1.1.50", Want{Protocol: AnyProtocol}, 2, 24, true},
		{"longest prefix wins over metric", []Route{link("10.1.0.0/16", 2, 0), link("10.1.1.0/24", 3, 200)}, "10.1.1.50", Want{Protocol: AnyProtocol}, 3, 24, true},
		{"lowest metric on equal prefix", []Route{link("10.1.1.0/24", 2, 100), link("10.1.1.0/24", 3, 50)}, "10.1.1.50", Want{Protocol: AnyProtocol}, 3, 24, true},
		{"tie broken by index, not order", []Route{link("10.1.1.0/24", 5, 0), link("10.1.1.0/24", 4, 0)}, "10.1.1.50", Want{Protocol: AnyProtocol}, 4, 24, true},
		{"outside every subnet", []Route{link("10.1.1.0/24", 2, 0)}, "10.2.0.1", Want{Protocol: AnyProtocol}, 0, 0, false},
		{"gateway routes never choose", []Route{gw}, "10.9.1.1", Want{Protocol: AnyProtocol}, 0, 0, false},
		{"default route never chooses", []Route{deflt}, "10.9.1.1", Want{Protocol: AnyProtocol}, 0, 0, false},
		{"unreachable never chooses", []Route{unreach, link("10.1.1.0/24", 2, 0)}, "10.1.2.1", Want{Protocol: AnyProtocol}, 0, 0, false},
		{"local table ignored", []Route{local}, "10.1.1.50", Want{Protocol: AnyProtocol}, 0, 0, false},
		{"nic narrows", []Route{link("10.1.1.0/24", 2, 0), link("10.1.0.0/16", 3, 0)}, "10.1.1.50", Want{LinkIndex: 3, Protocol: AnyProtocol}, 3, 16, true},
		{"netmask must fit in route", []Route{link("10.1.1.0/24", 2, 0)}, "10.1.1.50", Want{Bits: 16, Protocol: AnyProtocol}, 0, 0, false},
		{"longer netmask fits", []Route{link("10.1.1.0/24", 2, 0)}, "10.1.1.50", Want{Bits: 28, Protocol: AnyProtocol}, 2, 24, true},
		{"proto filters", []Route{link("10.1.1.0/24", 2, 0), static}, "10.1.1.50", Want{Protocol: 4}, 11, 24, true},
		{"host route", []Route{link("10.7.7.7/32", 6, 0)}, "10.7.7.7", Want{Protocol: AnyProtocol}, 6, 32, true},
		{"IPv6 VIP never matches an IPv4 route", []Route{link("10.1.1.0/24", 2, 0)}, "2001:db8::1", Want{Protocol: AnyProtocol}, 0, 0, false},
		{"IPv4 VIP never matches an IPv6 route", []Route{v6("::/0", 2, 0), v6("::ffff:0:0/96", 3, 0)}, "10.1.1.1", Want{Protocol: AnyProtocol}, 0, 0, false},
		{"IPv6 connected prefix", []Route{v6("2001:db8:1::/64", 2, 256), v6("fe80::/64", 2, 256)}, "2001:db8:1::10", Want{Protocol: AnyProtocol}, 2, 64, true},
		{"IPv6 lowest metric on equal prefix", []Route{v6("2001:db8:1::/64", 2, 50), v6("2001:db8:1::/64", 3, 10)}, "2001:db8:1::10", Want{Protocol: AnyProtocol}, 3, 64, true},
		{"IPv6 longest prefix", []Route{v6("2001:db8::/48", 2, 0), v6("2001:db8:0:1::/64", 3, 500)}, "2001:db8:0:1::9", Want{Protocol: AnyProtocol}, 3, 64, true},
		{"IPv6 via route never chooses", []Route{v6via}, "2001:db8:5::1", Want{Protocol: AnyProtocol}, 0, 0, false},
		{"IPv6 /128 route", []Route{v6("fd05::1/128", 4, 1024)}, "fd05::1", Want{Protocol: AnyProtocol}, 4, 128, true},
		{"IPv6 link-local on the given nic", []Route{v6("fe80::/64", 2, 256), v6("fe80::/64", 3, 256)}, "fe80::99", Want{LinkIndex: 3, Protocol: AnyProtocol}, 3, 64, true},
		{"IPv6 default never chooses", []Route{v6("::/0", 2, 0)}, "2001:db8:9::1", Want{Protocol: AnyProtocol}, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := Select(tt.routes, netip.MustParseAddr(tt.vip), tt.want)
			if ok != tt.wantOK || r.LinkIndex != tt.wantIndex || (ok && r.Dst.Bits() != tt.wantBits) {
				t.Errorf("got %+v %v, want index %d bits %d ok %v", r, ok, tt.wantIndex, tt.wantBits, tt.wantOK)
			}
		})
	}
}

func TestSelectLocal(t *testing.T) {
	lo := Route{Dst: netip.MustParsePrefix("127.0.0.0/8"), LinkIndex: 1, Table: TableLocal, Type: TypeLocal, Scope: ScopeHost}
	host := Route{Dst: netip.MustParsePrefix("127.0.0.1/32"), LinkIndex: 1, Table: TableLocal, Type: TypeLocal, Scope: ScopeHost}
	if r, ok := SelectLocal([]Route{host, lo}, netip.MustParseAddr("127.0.0.3"), Want{}); !ok || r.Dst.Bits() != 8 {
		t.Errorf("127.0.0.3: %+v %v, want the /8", r, ok)
	}
	if _, ok := SelectLocal([]Route{host}, netip.MustParseAddr("127.0.0.1"), Want{}); ok {
		t.Error("a /32 host entry must not choose")
	}
	if _, ok := SelectLocal([]Route{lo}, netip.MustParseAddr("10.0.0.1"), Want{}); ok {
		t.Error("10.0.0.1 is not in 127/8")
	}
}

func TestHolding(t *testing.T) {
	addrs := []Addr{
		{Prefix: netip.MustParsePrefix("110.0.0.1/24"), LinkIndex: 2},
		{Prefix: netip.MustParsePrefix("10.0.0.10/24"), LinkIndex: 2},
		{Prefix: netip.MustParsePrefix("10.0.0.1/24"), LinkIndex: 3},
		{Prefix: netip.MustParsePrefix("10.0.0.1/32"), LinkIndex: 1},
	}
	tests := []struct {
		bits, index int
		want        int
	}{{0, 0, 2}, {24, 0, 1}, {32, 0, 1}, {24, 3, 1}, {24, 2, 0}, {16, 0, 0}}
	for _, tt := range tests {
		got := Holding(addrs, netip.MustParseAddr("10.0.0.1"), tt.bits, tt.index)
		if len(got) != tt.want {
			t.Errorf("bits %d index %d: %v, want %d matches", tt.bits, tt.index, got, tt.want)
		}
		for _, a := range got {
			if a.Prefix.Addr() != netip.MustParseAddr("10.0.0.1") {
				t.Errorf("matched %v", a.Prefix)
			}
		}
	}
}

func TestBroadcast(t *testing.T) {
	tests := []struct{ prefix, want string }{
		{"192.168.1.10/24", "192.168.1.255"},
		{"10.1.2.3/8", "10.255.255.255"},
		{"192.168.1.10/28", "192.168.1.15"},
		{"192.168.1.10/30", "192.168.1.11"},
		{"192.168.1.10/31", ""},
		{"192.168.1.10/32", ""},
	}
	for _, tt := range tests {
		got := Broadcast(netip.MustParsePrefix(tt.prefix))
		if (tt.want == "" && got.IsValid()) || (tt.want != "" && got != netip.MustParseAddr(tt.want)) {
			t.Errorf("Broadcast(%s) = %v, want %q", tt.prefix, got, tt.want)
		}
	}
}

func TestBaseBroadcast(t *testing.T) {
	custom := netip.MustParseAddr("192.168.1.254")
	addrs := []Addr{
		{Prefix: netip.MustParsePrefix("192.168.1.1/24"), LinkIndex: 2, Broadcast: custom},
		{Prefix: netip.MustParsePrefix("192.168.2.1/24"), LinkIndex: 2},
	}
	tests := []struct {
		prefix string
		index  int
		want   string
	}{
		{"192.168.1.50/24", 2, "192.168.1.254"}, // copied from the base address
		{"192.168.1.50/28", 2, "192.168.1.63"},  // other prefix length: computed
		{"192.168.1.50/24", 3, "192.168.1.255"}, // other interface: computed
		{"192.168.2.50/24", 2, "192.168.2.255"}, // base without broadcast: computed
	}
	for _, tt := range tests {
		got := BaseBroadcast(addrs, netip.MustParsePrefix(tt.prefix), tt.index)
		if got != netip.MustParseAddr(tt.want) {
			t.Errorf("BaseBroadcast(%s, %d) = %v, want %s", tt.prefix, tt.index, got, tt.want)
		}
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"eth0", "lo", "enp0s31f6", "br-lan", "a.b", "uplink-alt"} {
		if err := CheckName(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "a/b", "eth0:1", "eth0 x", "e;ls", "$(x)", string(make([]byte, 128))} {
		if err := CheckName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDefaultAndPrimary(t *testing.T) {
	d1 := link("0.0.0.0/0", 3, 100)
	d2 := link("0.0.0.0/0", 2, 50)
	d1.Gateway, d2.Gateway = true, true
	if r, ok := Default([]Route{link("10.1.1.0/24", 5, 0), d1, d2}); !ok || r.LinkIndex != 2 {
		t.Errorf("Default = %+v %v, want the metric 50 route on 2", r, ok)
	}
	if _, ok := Default([]Route{link("10.1.1.0/24", 5, 0)}); ok {
		t.Error("a default route found where there is none")
	}
}
