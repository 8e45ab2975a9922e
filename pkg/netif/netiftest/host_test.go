//go:build linux

package netiftest_test

import (
	"errors"
	"net"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/netif/netiftest"
	"golang.org/x/sys/unix"
)

var (
	lo   = netif.Link{Index: 1, Name: "lo", AdminUp: true, Loopback: true}
	eth0 = netif.Link{Index: 2, Name: "eth0", AltNames: []string{"enp0s3"}, MAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, AdminUp: true}
	eth1 = netif.Link{Index: 3, Name: "eth1", AdminUp: true, OperDown: true}
)

func addr(s string, link int) netif.Addr {
	return netif.Addr{Prefix: netip.MustParsePrefix(s), LinkIndex: link}
}

func node() *netiftest.Kernel {
	base := addr("192.168.1.10/24", 2)
	base.Label, base.Broadcast = "eth0", netip.MustParseAddr("192.168.1.255")
	p2p := addr("10.0.0.1/32", 3)
	p2p.Label, p2p.Peer = "eth1", netip.MustParseAddr("10.0.0.2")
	return &netiftest.Kernel{
		Links: []netif.Link{lo, eth0, eth1},
		Addrs: []netif.Addr{base, p2p, addr("2001:db8::10/64", 2)},
		Routes: []netif.Route{
			{Dst: netip.MustParsePrefix("192.168.1.0/24"), LinkIndex: 2, Table: netif.TableMain, Type: netif.TypeUnicast,
				Scope: netif.ScopeLink, Protocol: unix.RTPROT_KERNEL, Src: netip.MustParseAddr("192.168.1.10")},
			{Dst: netip.MustParsePrefix("0.0.0.0/0"), Table: netif.TableMain, Type: netif.TypeUnicast, Metric: 100,
				Protocol: unix.RTPROT_STATIC, Gateway: true, Nexthops: []netif.Nexthop{
					{LinkIndex: 2, Gateway: netip.MustParseAddr("192.168.1.1"), Weight: 1},
					{LinkIndex: 3, Gateway: netip.MustParseAddr("10.0.0.2"), Weight: 3, Flags: unix.RTNH_F_LINKDOWN},
				}},
			{Dst: netip.MustParsePrefix("10.9.0.0/16"), Table: 1000, Type: netif.TypeUnicast, LinkIndex: 2,
				Gateway: true, Via: netip.MustParseAddr("fe80::1")},
			{Dst: netip.MustParsePrefix("2001:db8::/64"), LinkIndex: 2, Table: netif.TableMain, Type: netif.TypeUnicast, Metric: 256},
		},
	}
}

// TestLinks: lookups by name, alternative name and index decode what the
// fake kernel holds; a missing interface is ErrNoLink; an interface that
// is down is also operationally down, as the kernel reports it.
func TestLinks(t *testing.T) {
	k := node()
	k.Links = append(k.Links, netif.Link{Index: 4, Name: "eth2", NoARP: true})
	h := k.Host()
	defer h.Close()
	tests := []struct {
		name    string
		lookup  func() (netif.Link, error)
		want    netif.Link
		wantErr error
	}{
		{"by name", func() (netif.Link, error) { return h.Link("eth0") }, eth0, nil},
		{"by alternative name", func() (netif.Link, error) { return h.Link("enp0s3") }, eth0, nil},
		{"by index", func() (netif.Link, error) { return h.LinkByIndex(1) }, lo, nil},
		{"no carrier", func() (netif.Link, error) { return h.LinkByIndex(3) }, eth1, nil},
		{"down", func() (netif.Link, error) { return h.Link("eth2") }, netif.Link{Index: 4, Name: "eth2", NoARP: true, OperDown: true}, nil},
		{"missing name", func() (netif.Link, error) { return h.Link("eth9") }, netif.Link{}, netif.ErrNoLink},
		{"missing index", func() (netif.Link, error) { return h.LinkByIndex(9) }, netif.Link{}, netif.ErrNoLink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.lookup()
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestDumps: addresses and routes come back per family exactly as the
// kernel holds them, multipath nexthops, gateways of the other family
// and tables above 255 included.
func TestDumps(t *testing.T) {
	k := node()
	h := k.Host()
	defer h.Close()
	v4, v6 := netip.MustParseAddr("192.168.1.99"), netip.MustParseAddr("2001:db8::99")
	addrs4, err := h.AddrsOf(v4)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(addrs4, k.Addrs[:2]) {
		t.Errorf("IPv4 addresses %+v, want %+v", addrs4, k.Addrs[:2])
	}
	addrs6, err := h.AddrsOf(v6)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(addrs6, k.Addrs[2:]) {
		t.Errorf("IPv6 addresses %+v, want %+v", addrs6, k.Addrs[2:])
	}
	routes4, err := h.RoutesOf(v4)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(routes4, k.Routes[:3]) {
		t.Errorf("IPv4 routes\n%+v, want\n%+v", routes4, k.Routes[:3])
	}
	routes6, err := h.RoutesOf(v6)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(routes6, k.Routes[3:]) {
		t.Errorf("IPv6 routes %+v, want %+v", routes6, k.Routes[3:])
	}
}

// TestChanges: adds and deletes change the kernel's state with its
// errors: EEXIST for an address already there, ENODEV for a missing
// interface; deleting what is gone and adding a label that is there are
// not errors (stop and a restarted start must be idempotent).
func TestChanges(t *testing.T) {
	vip := addr("192.168.1.100/24", 2)
	label := netip.MustParsePrefix("2001:db8::100/128")
	tests := []struct {
		name    string
		change  func(h *netif.Host) error
		wantErr error
		check   func(k *netiftest.Kernel) bool
	}{
		{"add: a secondary, labelled with the interface", func(h *netif.Host) error { return h.AddAddr(eth0, vip) }, nil,
			func(k *netiftest.Kernel) bool {
				a := k.Addrs[len(k.Addrs)-1]
				return a.Prefix == vip.Prefix && a.Flags&netif.FlagSecondary != 0 && a.Label == "eth0"
			}},
		{"add twice", func(h *netif.Host) error {
			_ = h.AddAddr(eth0, vip)
			return h.AddAddr(eth0, vip)
		}, unix.EEXIST, nil},
		{"add to a missing interface", func(h *netif.Host) error {
			return h.AddAddr(netif.Link{Index: 9, Name: "eth9"}, addr("192.168.9.1/24", 9))
		}, unix.ENODEV, nil},
		{"delete", func(h *netif.Host) error { return h.DelAddr(addr("192.168.1.10/24", 2)) }, nil,
			func(k *netiftest.Kernel) bool { return len(k.Addrs) == 2 }},
		{"delete what is gone", func(h *netif.Host) error { return h.DelAddr(vip) }, nil,
			func(k *netiftest.Kernel) bool { return len(k.Addrs) == 3 }},
		{"down and up", func(h *netif.Host) error {
			if err := h.SetDown(eth0); err != nil {
				return err
			}
			return h.SetUp(eth1)
		}, nil, func(k *netiftest.Kernel) bool {
			l0, _ := k.Link(2)
			l1, _ := k.Link(3)
			return !l0.AdminUp && l1.AdminUp
		}},
		{"label twice, then remove twice", func(h *netif.Host) error {
			for _, f := range []func() error{
				func() error { return h.AddAddrLabel(label, 99) },
				func() error { return h.AddAddrLabel(label, 99) },
				func() error {
					got, err := h.AddrLabels()
					if err == nil && got[label] != 99 {
						err = errors.New("label not listed")
					}
					return err
				},
				func() error { return h.DelAddrLabel(label, 99) },
				func() error { return h.DelAddrLabel(label, 99) },
			} {
				if err := f(); err != nil {
					return err
				}
			}
			return nil
		}, nil, func(k *netiftest.Kernel) bool { return len(k.Labels) == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := node()
			h := k.Host()
			defer h.Close()
			err := tt.change(h)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if tt.check != nil && !tt.check(k) {
				t.Errorf("kernel state after the change: %+v %+v %v", k.Links, k.Addrs, k.Labels)
			}
		})
	}
}

// TestPromoteSecondary: removing a primary IPv4 address promotes the
// first secondary of its subnet.
func TestPromoteSecondary(t *testing.T) {
	k := node()
	h := k.Host()
	defer h.Close()
	if err := h.AddAddr(eth0, addr("192.168.1.100/24", 2)); err != nil {
		t.Fatal(err)
	}
	if err := h.DelAddr(addr("192.168.1.10/24", 2)); err != nil {
		t.Fatal(err)
	}
	addrs, err := h.AddrsOf(netip.MustParseAddr("192.168.1.100"))
	if err != nil {
		t.Fatal(err)
	}
	var promoted []netif.Addr
	for _, a := range addrs {
		if a.LinkIndex == 2 && a.Flags&netif.FlagSecondary == 0 {
			promoted = append(promoted, a)
		}
	}
	if len(promoted) != 1 || promoted[0].Prefix != netip.MustParsePrefix("192.168.1.100/24") {
		t.Errorf("primary addresses %v, want the promoted 192.168.1.100/24 alone", promoted)
	}
}

// TestInterruptedDump: a dump the kernel marks interrupted is read again,
// a bounded number of times.
func TestInterruptedDump(t *testing.T) {
	tests := []struct {
		interrupts int
		wantErr    bool
	}{{0, false}, {1, false}, {4, false}, {5, true}}
	for _, tt := range tests {
		k := node()
		k.Interrupt(tt.interrupts)
		h := k.Host()
		_, err := h.AddrsOf(netip.MustParseAddr("192.168.1.1"))
		h.Close()
		if (err != nil) != tt.wantErr {
			t.Errorf("%d interrupted dumps: error %v, want error %v", tt.interrupts, err, tt.wantErr)
		}
		if want := min(tt.interrupts+1, 5); len(k.Requests) != want {
			t.Errorf("%d interrupted dumps: %d requests, want %d", tt.interrupts, len(k.Requests), want)
		}
	}
}

// TestFail: an injected error answers the nth request of its type, and
// only that one, without changing anything.
func TestFail(t *testing.T) {
	k := node()
	k.Fail(unix.RTM_NEWADDR, 2, unix.ENOSPC)
	h := k.Host()
	defer h.Close()
	results := make([]error, 3)
	for i := range results {
		results[i] = h.AddAddr(eth0, addr("192.168.1."+string(rune('1'+i))+"0/32", 2))
	}
	if results[0] != nil || !errors.Is(results[1], unix.ENOSPC) || results[2] != nil {
		t.Errorf("results %v, want only the second to fail with ENOSPC", results)
	}
	if len(k.Addrs) != 5 {
		t.Errorf("%d addresses, want 5: the failed add changed something", len(k.Addrs))
	}
	k.Fail(unix.RTM_GETROUTE, 1, unix.ENOBUFS)
	if _, err := h.RoutesOf(netip.MustParseAddr("192.168.1.1")); !errors.Is(err, unix.ENOBUFS) {
		t.Errorf("route dump: %v, want ENOBUFS", err)
	}
}

// TestPathsThroughNexthopObjects: with nexthop_compat_mode=0 a route has
// only its nexthop id, which Paths resolves from the nexthop table:
// groups into their members with weights, a blackhole into nothing.
func TestPathsThroughNexthopObjects(t *testing.T) {
	gw1, gw2 := netip.MustParseAddr("192.168.1.1"), netip.MustParseAddr("10.0.0.2")
	k := node()
	k.Nexthops = []netiftest.Nexthop{
		{ID: 1, Nexthop: netif.Nexthop{LinkIndex: 2, Gateway: gw1}},
		{ID: 2, Nexthop: netif.Nexthop{LinkIndex: 3, Gateway: gw2, Flags: unix.RTNH_F_DEAD}},
		{ID: 10, Group: []netiftest.Member{{ID: 1, Weight: 1}, {ID: 2, Weight: 300}}},
		{ID: 20, Blackhole: true},
	}
	h := k.Host()
	defer h.Close()
	tests := []struct {
		name    string
		id      uint32
		want    []netif.Nexthop
		wantErr string
	}{
		{"one nexthop", 1, []netif.Nexthop{{LinkIndex: 2, Gateway: gw1, Weight: 1}}, ""},
		{"a group", 10, []netif.Nexthop{{LinkIndex: 2, Gateway: gw1, Weight: 1}, {LinkIndex: 3, Gateway: gw2, Weight: 300, Flags: unix.RTNH_F_DEAD}}, ""},
		{"a blackhole", 20, nil, ""},
		{"missing", 30, nil, "not in the nexthop table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.Paths(netif.Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), NexthopID: tt.id})
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestClosed: a closed host's requests fail; the kernel answers the
// hosts opened after it.
func TestClosed(t *testing.T) {
	k := node()
	h := k.Host()
	h.Close()
	if _, err := h.Link("eth0"); !errors.Is(err, unix.EBADF) {
		t.Errorf("a closed host answered: %v", err)
	}
	h = k.Host()
	defer h.Close()
	if _, err := h.Link("eth0"); err != nil {
		t.Errorf("a new host: %v", err)
	}
}
