package main

import (
	"errors"
	"net/netip"
	"reflect"
	"testing"

	"github.com/ocfnet/ocfnet/pkg/netif"
)

// TestSourceAddr: the default source is the interface's own address on
// a real subnet, whatever else is on the interface and in whatever order
// the kernel lists it.
func TestSourceAddr(t *testing.T) {
	const eth0 = 2
	vip := netip.MustParseAddr("192.168.13.229")
	addr := func(p string, flags int) netif.Addr {
		return netif.Addr{Prefix: netip.MustParsePrefix(p), LinkIndex: eth0, Flags: flags}
	}
	base := addr("192.168.10.221/24", 0)
	otherVIP := addr("192.168.13.230/32", 0)                 // another VIPArip VIP, vip_device=nic
	thisVIP := addr("192.168.13.229/32", 0)                  // this VIP, held since the last start
	ipaddr2 := addr("192.168.10.50/24", netif.FlagSecondary) // an IPaddr2 VIP in eth0's subnet
	second := addr("192.168.20.221/24", 0)                   // a second subnet on eth0
	p2p := netif.Addr{Prefix: netip.MustParsePrefix("10.0.0.1/32"), Peer: netip.MustParseAddr("10.0.0.2"), LinkIndex: eth0}
	gw := netip.MustParseAddr("192.168.20.220")
	tests := []struct {
		name  string
		addrs []netif.Addr
		near  []netip.Addr
		want  netif.Addr
		ok    bool
	}{
		{"only the base", []netif.Addr{base}, nil, base, true},
		// The base address added again after a VIP: the VIP's /32 is
		// the first primary the kernel lists.
		{"another VIP's /32 first", []netif.Addr{otherVIP, base}, nil, base, true},
		{"this VIP first", []netif.Addr{thisVIP, otherVIP, base}, nil, base, true},
		{"a secondary first", []netif.Addr{ipaddr2, base}, nil, base, true},
		{"only host addresses", []netif.Addr{otherVIP, thisVIP}, nil, netif.Addr{}, false},
		{"on another interface", []netif.Addr{{Prefix: base.Prefix, LinkIndex: 3}}, nil, netif.Addr{}, false},
		{"loopback", []netif.Addr{addr("127.0.0.2/8", 0)}, nil, netif.Addr{}, false},
		{"point-to-point /32", []netif.Addr{otherVIP, p2p}, nil, p2p, true},
		{"the gateway's subnet wins", []netif.Addr{base, second}, []netip.Addr{gw}, second, true},
		{"no subnet holds the gateway: the first", []netif.Addr{base, second}, []netip.Addr{netip.MustParseAddr("10.9.9.9")}, base, true},
		{"a peer that is the gateway", []netif.Addr{base, p2p}, []netip.Addr{netip.MustParseAddr("10.0.0.2")}, p2p, true},
		// A gateway can lie in a VIP's /32 only as that VIP: never a source.
		{"a host address never matches", []netif.Addr{otherVIP, base}, []netip.Addr{netip.MustParseAddr("192.168.13.230")}, base, true},
	}
	for _, tt := range tests {
		got, ok := sourceAddr(tt.addrs, vip, eth0, tt.near...)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v %v, want %v %v", tt.name, got.Prefix, ok, tt.want.Prefix, tt.ok)
		}
	}
}

// TestDestinationsFor: RIPv1's broadcast needs a subnet with one; a /31 or
// /32 uplink is refused (ERR_INSTALLED through placeError) instead of
// passing validate-all and failing at start's first datagram.
func TestDestinationsFor(t *testing.T) {
	link := netif.Link{Index: 2, Name: "eth0"}
	addr := func(p string) netif.Addr { return netif.Addr{Prefix: netip.MustParsePrefix(p), LinkIndex: 2} }
	v4 := netip.MustParseAddr("192.168.13.229")
	router := netip.MustParseAddr("10.0.0.1")
	tests := []struct {
		name    string
		cfg     config
		base    netif.Addr
		want    []netip.Addr
		wantErr error
	}{
		{"RIPv2", config{ip: v4, version: 2}, addr("10.0.0.0/31"), []netip.Addr{ripv2Group}, nil},
		{"RIPv1 on a /24", config{ip: v4, version: 1}, addr("192.168.10.221/24"), []netip.Addr{netip.MustParseAddr("192.168.10.255")}, nil},
		{"RIPv1 on a /30", config{ip: v4, version: 1}, addr("10.0.0.1/30"), []netip.Addr{netip.MustParseAddr("10.0.0.3")}, nil},
		{"RIPv1 on a /31", config{ip: v4, version: 1}, addr("10.0.0.0/31"), nil, errNoBroadcast},
		{"RIPv1 on a /32", config{ip: v4, version: 1}, addr("10.0.0.0/32"), nil, errNoBroadcast},
		{"RIPv1 on a /31 to the router", config{ip: v4, version: 1, destinations: []netip.Addr{router}}, addr("10.0.0.0/31"), []netip.Addr{router}, nil},
		{"RIPng", config{ip: netip.MustParseAddr("2001:db8::1")}, addr("fe80::1/64"), []netip.Addr{ripngGroup}, nil},
	}
	for _, tt := range tests {
		got, err := destinationsFor(tt.cfg, tt.base, link)
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v %v, want %v %v", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}
