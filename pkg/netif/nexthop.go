package netif

import "net/netip"

// A route reaches its gateways in one of three ways: one nexthop in the
// route itself (RTA_OIF, RTA_GATEWAY), several (RTA_MULTIPATH: ip route
// add default nexthop via A dev a nexthop via B dev b), or a nexthop
// object (RTA_NH_ID: ip route add default nhid 10, where 10 may be a group
// of nexthops). The kernel also expands a nexthop object into the route's
// RTA_OIF or RTA_MULTIPATH when net.ipv4.nexthop_compat_mode is 1 (the
// default); with 0, which routing daemons may set, only the id is dumped
// and RTM_GETNEXTHOP resolves it.

// Nexthop is one path of a route: the interface and the gateway on it.
type Nexthop struct {
	LinkIndex int
	Gateway   netip.Addr // invalid for a device route
	Flags     int        // RTNH_F_* (dead, linkdown, onlink)
	Weight    int        // 1 to 256 (or 65536 for a nexthop group)
}

// Usable reports whether the kernel may send through the nexthop: not
// dead (its interface down) and with carrier.
func (n Nexthop) Usable() bool { return n.Flags&nexthopDown == 0 }
