package main

import (
	"net/netip"
	"time"

	"github.com/ocfnet/ocfnet/pkg/netif"
)

// host is what IPaddr2's actions use of the node's network configuration:
// a *netif.Host on the kernel, or one on a fake netlink transport in unit
// tests.
type host interface {
	Link(name string) (netif.Link, error)
	LinkByIndex(index int) (netif.Link, error)
	SetUp(link netif.Link) error
	SetDown(link netif.Link) error
	AddrsOf(ip netip.Addr) ([]netif.Addr, error)
	AddAddr(link netif.Link, a netif.Addr) error
	DelAddr(a netif.Addr) error
	AwaitDAD(ev *netif.AddrEvents, p netip.Prefix, linkIndex int, deadline time.Time) error
	RoutesOf(ip netip.Addr) ([]netif.Route, error)
	AddAddrLabel(p netip.Prefix, label uint32) error
	DelAddrLabel(p netip.Prefix, label uint32) error
	AddrLabels() (map[netip.Prefix]uint32, error)
}

var _ host = (*netif.Host)(nil)
