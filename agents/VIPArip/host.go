package main

import (
	"net/netip"

	"github.com/ocfnet/ocfnet/pkg/netif"
)

// host is what VIPArip's actions use of the node's network configuration:
// a *netif.Host on the kernel, or one on a fake netlink transport in unit
// tests.
type host interface {
	Link(name string) (netif.Link, error)
	LinkByIndex(index int) (netif.Link, error)
	AddrsOf(ip netip.Addr) ([]netif.Addr, error)
	AddAddr(link netif.Link, a netif.Addr) error
	DelAddr(a netif.Addr) error
	RoutesOf(ip netip.Addr) ([]netif.Route, error)
	Paths(r netif.Route) ([]netif.Nexthop, error)
}

var _ host = (*netif.Host)(nil)
