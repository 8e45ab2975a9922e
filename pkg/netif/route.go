package netif

import (
	"net/netip"
	"sort"
)

// Route is the part of a routing table entry that interface selection
// needs.
type Route struct {
	Dst       netip.Prefix
	LinkIndex int
	Metric    int
	Table     int
	Type      int // RTN_* (unicast, local, unreachable, ...)
	Scope     int // RT_SCOPE_* (link, host, universe)
	Protocol  int // RTPROT_* (kernel, boot, static, ...)
	Src       netip.Addr
	Gateway   bool       // through a gateway: Via, or one in Nexthops or the nexthop object
	Via       netip.Addr // the gateway of a single-path route, invalid for none
	// Nexthops are a multipath route's paths (RTA_MULTIPATH), empty for
	// a single path; see Host.Paths.
	Nexthops []Nexthop
	// NexthopID is the nexthop object the route uses (ip route ... nhid
	// N), 0 for none.
	NexthopID uint32
}

// AnyProtocol accepts a route of any protocol (RTPROT_*).
const AnyProtocol = -1

const ipv4HostBits = 32

// Want narrows route selection: the interface (0 for any), the netmask the
// VIP must fit in (0 for none) and the route protocol (AnyProtocol for any).
type Want struct {
	LinkIndex int
	Bits      int
	Protocol  int
}

// Select returns the route a VIP gets its interface and prefix from: among
// the main table's unicast routes of vip's family without a gateway (for
// IPv4, of link scope) that contain vip (default, unreachable, blackhole and prohibit are other
// types and drop out), the longest prefix wins, then the lowest metric,
// then the lowest interface index so the answer does not depend on dump
// order. That is the route the kernel itself would use for vip.
//
// With want.Bits set, a route qualifies only if it contains vip/Bits, as
// "ip route list match vip/Bits" does in resource-agents' findif.
func Select(routes []Route, vip netip.Addr, want Want) (Route, bool) {
	var c []Route
	for _, r := range routes {
		if eligible(r, vip, want) {
			c = append(c, r)
		}
	}
	if len(c) == 0 {
		return Route{}, false
	}
	sort.SliceStable(c, func(i, j int) bool { return better(c[i], c[j]) })
	return c[0], true
}

func eligible(r Route, vip netip.Addr, want Want) bool {
	switch {
	case vip.Is4() != r.Dst.Addr().Is4():
		return false
	case r.Table != TableMain || r.Type != TypeUnicast || r.Gateway:
		return false
	// IPv4 connected routes have link scope; Linux gives every IPv6
	// route universe scope, so for IPv6 only the missing gateway says
	// the prefix is on the link (resource-agents takes a via route's
	// gateway for the interface name there; we never use such a route).
	case vip.Is4() && r.Scope != ScopeLink:
		return false
	case r.Dst.Bits() == 0 || !r.Dst.Contains(vip):
		return false
	case want.LinkIndex != 0 && r.LinkIndex != want.LinkIndex:
		return false
	case want.Bits != 0 && r.Dst.Bits() > want.Bits:
		return false
	case want.Protocol != AnyProtocol && r.Protocol != want.Protocol:
		return false
	}
	return true
}

func better(a, b Route) bool {
	if a.Dst.Bits() != b.Dst.Bits() {
		return a.Dst.Bits() > b.Dst.Bits()
	}
	if a.Metric != b.Metric {
		return a.Metric < b.Metric
	}
	return a.LinkIndex < b.LinkIndex
}

// SelectLocal handles loopback VIPs (127.0.0.0/8), which have no main
// table route: the local table's "local 127.0.0.0/8 dev lo" entry gives the
// interface and prefix. Host entries (/32) are skipped, as findif does.
func SelectLocal(routes []Route, vip netip.Addr, want Want) (Route, bool) {
	var c []Route
	for _, r := range routes {
		if r.Table == TableLocal && r.Type == TypeLocal && r.Dst.Addr().Is4() &&
			r.Dst.Bits() < ipv4HostBits && r.Dst.Contains(vip) &&
			(want.LinkIndex == 0 || r.LinkIndex == want.LinkIndex) &&
			(want.Bits == 0 || r.Dst.Bits() <= want.Bits) {
			c = append(c, r)
		}
	}
	if len(c) == 0 {
		return Route{}, false
	}
	sort.SliceStable(c, func(i, j int) bool { return better(c[i], c[j]) })
	return c[0], true
}

// Default returns the main table's default route with the lowest metric
// (the one the kernel uses), if any, among routes of one family.
func Default(routes []Route) (Route, bool) {
	var best Route
	found := false
	for _, r := range routes {
		if r.Table != TableMain || r.Type != TypeUnicast || r.Dst.Bits() != 0 {
			continue
		}
		if !found || r.Metric < best.Metric || (r.Metric == best.Metric && r.LinkIndex < best.LinkIndex) {
			best, found = r, true
		}
	}
	return best, found
}
