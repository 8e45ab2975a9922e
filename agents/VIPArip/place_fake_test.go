package main

import (
	"errors"
	"net/netip"
	"reflect"
	"testing"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/netif/netiftest"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"golang.org/x/sys/unix"
)

// TestPlaceFake: where VIPArip announces from on the fake node: the
// default route's interface (the first usable nexthop of an ECMP route or
// nexthop group), the source on it in the gateway's subnet, the protocol's
// group or the configured destinations; each thing missing on this node
// is the error placeError turns into 5.
func TestPlaceFake(t *testing.T) {
	vip := map[string]string{"ip": "10.99.0.1"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{"ip": "10.99.0.1"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	group := ecmp()
	group.NexthopID = 10
	blackhole := ecmp()
	blackhole.NexthopID = 20
	objects := []netiftest.Nexthop{
		{ID: 1, Nexthop: netif.Nexthop{LinkIndex: fakeEth0.Index, Gateway: addr("192.168.10.1"), Flags: unix.RTNH_F_LINKDOWN}},
		{ID: 2, Nexthop: netif.Nexthop{LinkIndex: fakeEth1.Index, Gateway: addr("192.168.30.1")}},
		{ID: 10, Group: []netiftest.Member{{ID: 1, Weight: 1}, {ID: 2, Weight: 1}}},
		{ID: 20, Blackhole: true},
	}
	tests := []struct {
		name    string
		params  map[string]string
		routes  []netif.Route
		link    string
		source  string
		dst     []string
		wantErr error
	}{
		{"the default route", vip, []netif.Route{via("192.168.10.1", fakeEth0)}, "fake-eth0", "192.168.10.221", []string{"224.0.0.9"}, nil},
		{"the subnet of the gateway", vip, []netif.Route{via("192.168.20.1", fakeEth0)}, "fake-eth0", "192.168.20.221", []string{"224.0.0.9"}, nil},
		{"the lowest metric of two defaults", vip, func() []netif.Route {
			a, b := via("192.168.10.1", fakeEth0), via("192.168.30.1", fakeEth1)
			a.Metric, b.Metric = 200, 100
			return []netif.Route{a, b}
		}(), "fake-eth1", "192.168.30.221", []string{"224.0.0.9"}, nil},
		{"ECMP: the first nexthop", vip, []netif.Route{ecmp(hop("192.168.10.1", fakeEth0, 0), hop("192.168.30.1", fakeEth1, 0))},
			"fake-eth0", "192.168.10.221", []string{"224.0.0.9"}, nil},
		{"ECMP: a dead nexthop is skipped", vip, []netif.Route{ecmp(hop("192.168.10.1", fakeEth0, unix.RTNH_F_DEAD), hop("192.168.30.1", fakeEth1, 0))},
			"fake-eth1", "192.168.30.221", []string{"224.0.0.9"}, nil},
		{"ECMP: a link that is down is skipped", vip, []netif.Route{ecmp(hop("192.168.40.1", fakeEth2, 0), hop("192.168.30.1", fakeEth1, 0))},
			"fake-eth1", "192.168.30.221", []string{"224.0.0.9"}, nil},
		{"ECMP: none usable, the first with an address", vip, []netif.Route{ecmp(hop("192.168.40.1", fakeEth2, 0), hop("192.168.10.1", fakeEth0, unix.RTNH_F_LINKDOWN))},
			"fake-eth2", "192.168.40.221", []string{"224.0.0.9"}, nil},
		{"a nexthop group", vip, []netif.Route{group}, "fake-eth1", "192.168.30.221", []string{"224.0.0.9"}, nil},
		{"a blackhole nexthop", vip, []netif.Route{blackhole}, "", "", nil, errNoDefault},
		{"no default route", vip, nil, "", "", nil, errNoDefault},
		{"nic given", with("nic", "fake-eth1"), nil, "fake-eth1", "192.168.30.221", []string{"224.0.0.9"}, nil},
		{"nic missing", with("nic", "fake-eth9"), nil, "", "", nil, netif.ErrNoLink},
		{"source given", with("nic", "fake-eth0", "source", "192.168.20.221"), nil, "fake-eth0", "192.168.20.221", []string{"224.0.0.9"}, nil},
		{"source not on nic", with("nic", "fake-eth0", "source", "192.168.30.221"), nil, "", "", nil, errNoSource},
		{"no address on nic", with("nic", "lo"), nil, "", "", nil, errNoSource},
		{"destinations given", with("destination", "192.168.10.2 192.168.10.3"), []netif.Route{via("192.168.10.1", fakeEth0)},
			"fake-eth0", "192.168.10.221", []string{"192.168.10.2", "192.168.10.3"}, nil},
		{"RIPv1 broadcasts", with("rip_version", "1"), []netif.Route{via("192.168.10.1", fakeEth0)},
			"fake-eth0", "192.168.10.221", []string{"192.168.10.255"}, nil},
		{"RIPng from the link-local address", map[string]string{"ip": "2001:db8:99::1"}, []netif.Route{via("fe80::fe", fakeEth1)},
			"fake-eth1", "fe80::1", []string{"ff02::9"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := fakeNode(tt.routes...)
			k.Nexthops = objects
			h := k.Host()
			defer h.Close()
			var got placement
			var err error
			code, stderr := inAction(t, "validate-all", tt.params, func(c *ocf.Context) error {
				cfg, perr := parseConfig(c)
				if perr != nil {
					return perr
				}
				got, err = place(c, h, cfg)
				return nil
			})
			if code != ocf.Success {
				t.Fatalf("parameters refused: %d %s", code, stderr)
			}
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			var dst []netip.Addr
			for _, d := range tt.dst {
				dst = append(dst, addr(d))
			}
			if got.link.Name != tt.link || got.source != addr(tt.source) || !reflect.DeepEqual(got.destinations, dst) {
				t.Errorf("got %s from %s to %v, want %s from %s to %v", got.link.Name, got.source, got.destinations, tt.link, tt.source, dst)
			}
		})
	}
}

// TestValidateAllFake: validate-all answers placement failures on this
// node with 5, so that Pacemaker tries another node.
func TestValidateAllFake(t *testing.T) {
	up := []netif.Route{via("192.168.10.1", fakeEth0)}
	tests := []struct {
		name   string
		params map[string]string
		routes []netif.Route
		code   ocf.Code
	}{
		{"placed", map[string]string{"ip": "10.99.0.1"}, up, ocf.Success},
		{"no default route", map[string]string{"ip": "10.99.0.1"}, nil, ocf.ErrInstalled},
		{"nic missing", map[string]string{"ip": "10.99.0.1", "nic": "fake-eth9"}, up, ocf.ErrInstalled},
		{"source not on nic", map[string]string{"ip": "10.99.0.1", "nic": "fake-eth0", "source": "192.168.30.221"}, up, ocf.ErrInstalled},
		{"RIPv1 on a /32", map[string]string{"ip": "10.99.0.1", "nic": "fake-eth1", "rip_version": "1"}, nil, ocf.ErrInstalled},
	}
	for _, tt := range tests {
		k := fakeNode(tt.routes...)
		if tt.name == "RIPv1 on a /32" {
			k.Addrs[3].Prefix = pfx("192.168.30.221/32")
			k.Addrs[3].Peer = addr("192.168.30.1")
		}
		if code, stderr := runAgent(t, k, ocf.ActionValidateAll, tt.params); code != tt.code {
			t.Errorf("%s: %d, want %d\n%s", tt.name, code, tt.code, stderr)
		}
	}
}

// TestCarrierFake: start and monitor refuse an announcing link that is
// down or without carrier (1: it may come back), and monitor an
// announcing interface that is gone.
func TestCarrierFake(t *testing.T) {
	noCarrier := fakeEth1
	noCarrier.OperDown = true
	k := fakeNode()
	k.Links[2] = noCarrier
	h := k.Host()
	defer h.Close()
	tests := []struct {
		name  string
		index int
		code  ocf.Code
	}{
		{"up", fakeEth0.Index, ocf.Success},
		{"no carrier", fakeEth1.Index, ocf.ErrGeneric},
		{"down", fakeEth2.Index, ocf.ErrGeneric},
		{"gone", 9, ocf.ErrGeneric},
	}
	for _, tt := range tests {
		if got := ocf.CodeOf(checkAnnouncingLink(h, tt.index, "the link")); got != tt.code {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.code)
		}
	}
}

// TestHoldAndDropFake: holdVIP adds the VIP as a host address once (IPv6
// without duplicate address detection) and says whether it did; dropVIP
// removes every copy, and fails while one stays.
func TestHoldAndDropFake(t *testing.T) {
	tests := []struct {
		name  string
		vip   string
		link  netif.Link
		there bool
		flags int
	}{
		{"IPv4 on lo", "10.99.0.1", fakeLo, false, 0},
		{"IPv4 already held", "10.99.0.1", fakeLo, true, 0},
		{"IPv4 on the nic", "10.99.0.1", fakeEth0, false, 0},
		{"IPv6 on lo", "2001:db8:99::1", fakeLo, false, netif.FlagNoDAD},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := fakeNode()
			ip := addr(tt.vip)
			if tt.there {
				k.Addrs = append(k.Addrs, netif.Addr{Prefix: vipPrefix(ip), LinkIndex: tt.link.Index})
			}
			h := k.Host()
			defer h.Close()
			added, err := holdVIP(h, ip, tt.link)
			if err != nil || added == tt.there {
				t.Fatalf("holdVIP: added %v, error %v", added, err)
			}
			held := netif.Holding(k.Addrs, ip, ip.BitLen(), tt.link.Index)
			if len(held) != 1 || held[0].Flags&netif.FlagNoDAD != tt.flags {
				t.Fatalf("held %+v, want one copy with flags %#x", held, tt.flags)
			}
			// A copy on another interface goes too.
			k.Addrs = append(k.Addrs, netif.Addr{Prefix: vipPrefix(ip), LinkIndex: fakeEth1.Index})
			if err := dropVIP(h, ip); err != nil {
				t.Fatalf("dropVIP: %v", err)
			}
			if left := netif.Holding(k.Addrs, ip, 0, 0); len(left) != 0 {
				t.Errorf("left after dropVIP: %+v", left)
			}
			if err := dropVIP(h, ip); err != nil {
				t.Errorf("dropVIP of nothing: %v", err)
			}
		})
	}
}

// TestHoldAndDropFailFake: the kernel's refusals reach the caller.
func TestHoldAndDropFailFake(t *testing.T) {
	ip := addr("10.99.0.1")
	k := fakeNode()
	k.Fail(unix.RTM_NEWADDR, 1, unix.ENODEV)
	h := k.Host()
	defer h.Close()
	if _, err := holdVIP(h, ip, fakeLo); !errors.Is(err, unix.ENODEV) {
		t.Errorf("holdVIP: %v, want ENODEV", err)
	}
	k.Addrs = append(k.Addrs, netif.Addr{Prefix: vipPrefix(ip), LinkIndex: fakeLo.Index})
	k.Fail(unix.RTM_DELADDR, 1, unix.EPERM)
	if err := dropVIP(h, ip); ocf.CodeOf(err) != ocf.ErrGeneric || len(netif.Holding(k.Addrs, ip, 0, 0)) != 1 {
		t.Errorf("dropVIP with the removal refused: %v, %+v", err, k.Addrs)
	}
}
