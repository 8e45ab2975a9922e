package main

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// placement is where this node announces from.
type placement struct {
	link         netif.Link
	source       netip.Addr
	destinations []netip.Addr
}

var (
	errNoDefault   = errors.New("no default route to choose the interface from: set nic")
	errNoSource    = errors.New("no address to announce from")
	errNoBroadcast = errors.New("rip_version 1 broadcasts")
)

// place resolves nic, source and destinations on this node. start and
// validate-all both take it, so they fail alike.
func place(c *ocf.Context, h host, cfg config) (placement, error) {
	var p placement
	addrs, err := h.AddrsOf(cfg.ip)
	if err != nil {
		return p, err
	}
	near := cfg.destinations
	if cfg.nic != "" {
		p.link, err = h.Link(cfg.nic)
	} else {
		var gw netip.Addr
		p.link, gw, err = uplink(c, h, cfg.ip, addrs)
		near = append([]netip.Addr{gw}, near...)
	}
	if err != nil {
		return p, err
	}
	var base netif.Addr
	if cfg.source.IsValid() {
		held := netif.Holding(addrs, cfg.source, 0, p.link.Index)
		if len(held) == 0 {
			return p, fmt.Errorf("%w: source %s is not on %s", errNoSource, cfg.source, p.link.Name)
		}
		base = held[0]
	} else {
		var ok bool
		if base, ok = sourceAddr(addrs, cfg.ip, p.link.Index, near...); !ok {
			return p, fmt.Errorf("%w on %s", errNoSource, p.link.Name)
		}
	}
	p.source = base.Prefix.Addr()
	p.destinations, err = destinationsFor(cfg, base, p.link)
	return p, err
}

// destinationsFor is where announcements go: the configured destinations,
// or the protocol's default. RIPv1 has no group: it goes to the subnet
// broadcast of the source, which a /31 or /32 uplink has none of (RFC
// 3021): that fails here, in validate-all as in start, and not when the
// first datagram is sent.
func destinationsFor(cfg config, base netif.Addr, link netif.Link) ([]netip.Addr, error) {
	switch {
	case len(cfg.destinations) > 0:
		return cfg.destinations, nil
	case cfg.ip.Is6():
		return []netip.Addr{ripngGroup}, nil
	case cfg.version == 1:
		b := netif.Broadcast(base.Prefix)
		if !b.IsValid() {
			return nil, fmt.Errorf("%w, but %s on %s has no broadcast address: set destination to the router",
				errNoBroadcast, base.Prefix, link.Name)
		}
		return []netip.Addr{b}, nil
	}
	return []netip.Addr{ripv2Group}, nil
}

// sourceAddr is the address announcements come from by default. For
// IPv4, the interface's primary address of a real subnet: routers take
// it as the route's next hop and accept an update only from a neighbour
// on a subnet they share. So never the VIP, nor another host address (a
// /32 without a peer: another VIPArip VIP held with vip_device=nic, which
// becomes the first primary when the interface's own address is added
// again after it), nor a secondary (IPaddr2's VIPs in the interface's
// subnet); among what is left, the first one whose subnet holds one of
// near (the default route's gateway, the configured destinations), then
// the first. For RIPng, the interface's link-local address (RFC 2080
// §2.1), once duplicate address detection has passed.
func sourceAddr(addrs []netif.Addr, ip netip.Addr, linkIndex int, near ...netip.Addr) (netif.Addr, bool) {
	if ip.Is6() {
		for _, a := range addrs {
			if a.LinkIndex == linkIndex && a.Prefix.Addr().IsLinkLocalUnicast() &&
				a.Flags&(netif.FlagTentative|netif.FlagDADFailed) == 0 {
				return a, true
			}
		}
		return netif.Addr{}, false
	}
	var first netif.Addr
	found := false
	for _, a := range addrs {
		if a.LinkIndex != linkIndex || !ownSubnet(a, ip) {
			continue
		}
		for _, n := range near {
			if n.IsValid() && ((a.Prefix.Bits() < 32 && a.Prefix.Masked().Contains(n)) || a.Peer == n) {
				return a, true
			}
		}
		if !found {
			first, found = a, true
		}
	}
	return first, found
}

// ownSubnet reports whether a is an IPv4 address of the node on a real
// subnet, fit to announce the VIP ip from.
func ownSubnet(a netif.Addr, ip netip.Addr) bool {
	addr := a.Prefix.Addr()
	return addr.Is4() && addr != ip && !addr.IsLoopback() && a.Flags&netif.FlagSecondary == 0 &&
		(a.Prefix.Bits() < 32 || a.Peer.IsValid())
}

// uplink is the interface of the default route and the gateway on it. A
// multipath route or nexthop group (the node with two uplinks) has
// several: the first usable one is taken, its link up with carrier and
// holding an address to announce from, and the log says which and why.
// When none is usable, the first with an address is returned, so that
// start refuses it by name.
func uplink(c *ocf.Context, h host, ip netip.Addr, addrs []netif.Addr) (netif.Link, netip.Addr, error) {
	routes, err := h.RoutesOf(ip)
	if err != nil {
		return netif.Link{}, netip.Addr{}, err
	}
	r, ok := netif.Default(routes)
	if !ok {
		return netif.Link{}, netip.Addr{}, errNoDefault
	}
	paths, err := h.Paths(r)
	if err != nil {
		return netif.Link{}, netip.Addr{}, err
	}
	switch len(paths) {
	case 0: // a blackhole nexthop
		return netif.Link{}, netip.Addr{}, errNoDefault
	case 1:
		link, err := h.LinkByIndex(paths[0].LinkIndex)
		return link, paths[0].Gateway, err
	}
	var skipped []string
	var fallback *netif.Link
	var fallbackGW netip.Addr
	for _, nh := range paths {
		link, err := h.LinkByIndex(nh.LinkIndex)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("interface %d: %v", nh.LinkIndex, err))
			continue
		}
		if _, ok := sourceAddr(addrs, ip, link.Index, nh.Gateway); !ok {
			skipped = append(skipped, fmt.Sprintf("%s: %v", link.Name, errNoSource))
			continue
		}
		if fallback == nil {
			fallback, fallbackGW = &link, nh.Gateway
		}
		fault := linkFault(link)
		if fault == "" && !nh.Usable() {
			fault = "the kernel marks the nexthop dead"
		}
		if fault != "" {
			skipped = append(skipped, link.Name+": "+fault)
			continue
		}
		note := ""
		if len(skipped) > 0 {
			note = "; skipped " + strings.Join(skipped, ", ")
		}
		c.Log.Infof("the default route has %d nexthops: announcing on %s (via %s), the first usable one%s",
			len(paths), link.Name, nh.Gateway, note)
		return link, nh.Gateway, nil
	}
	if fallback == nil {
		return netif.Link{}, netip.Addr{}, fmt.Errorf("%w on any nexthop of the default route", errNoSource)
	}
	c.Log.Warnf("no nexthop of the default route is usable (%s)", strings.Join(skipped, ", "))
	return *fallback, fallbackGW, nil
}

// linkFault says why link cannot carry announcements now, "" if it can.
func linkFault(link netif.Link) string {
	switch {
	case !link.AdminUp:
		return "is down"
	case link.OperDown:
		return "has no carrier"
	}
	return ""
}

// checkCarrier refuses to announce on a link that is down or without
// carrier: nothing would reach a router, while start and monitor said 0.
// It is 1, not 5: the link exists and may come back.
func checkCarrier(link netif.Link) error {
	if fault := linkFault(link); fault != "" {
		return ocf.Fail(ocf.ErrGeneric, "%s %s: its RIP announcements reach no router", link.Name, fault)
	}
	return nil
}

// checkAnnouncingLink is monitor's check of the interface a registered
// entry announces on, found by index (stable across a rename).
func checkAnnouncingLink(h host, ifIndex int, name string) error {
	link, err := h.LinkByIndex(ifIndex)
	if errors.Is(err, netif.ErrNoLink) {
		return ocf.Fail(ocf.ErrGeneric, "%s, which announces the VIP, is gone", name)
	}
	if err != nil {
		return err
	}
	return checkCarrier(link)
}

// placeError maps placement failures: everything missing on this node
// (interface, default route, source address, a broadcast address for
// RIPv1) is 5, so Pacemaker tries another node rather than stopping the
// resource everywhere.
func placeError(cfg config, err error) error {
	switch {
	case errors.Is(err, netif.ErrNoLink) && cfg.nic != "":
		return ocf.Fail(ocf.ErrInstalled, "interface %s does not exist on this node", cfg.nic)
	case errors.Is(err, errNoDefault), errors.Is(err, errNoSource), errors.Is(err, errNoBroadcast):
		return ocf.Fail(ocf.ErrInstalled, "%w", err)
	}
	return err
}
