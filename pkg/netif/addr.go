package netif

import (
	"net/netip"
)

// Addr is an address configured on an interface.
type Addr struct {
	Prefix    netip.Prefix // address and prefix length, e.g. 192.168.1.10/24
	LinkIndex int
	Label     string
	Broadcast netip.Addr // invalid when none
	// Peer is the other end of an IPv4 point-to-point address (ip addr
	// add 10.0.0.1/32 peer 10.0.0.2), invalid for any other address: such
	// a /32 is a subnet of two, not a host address.
	Peer  netip.Addr
	Flags int // IFA_F_*
	// Preferred, when not nil, is the preferred lifetime in seconds an
	// added address gets (RFC 4862 §5.5.4); 0 makes it deprecated, so it
	// is never chosen as a source address. nil: forever.
	Preferred *uint32
}

// Forever is the infinite lifetime (INFINITY_LIFE_TIME of
// linux/if_addr.h, which x/sys/unix does not export).
const Forever = 0xffffffff

// Holding returns the addresses equal to ip with prefix length bits
// (any length when bits is 0), on linkIndex (any interface when 0). It
// matches values, not text: 10.0.0.1 never matches 110.0.0.1.
func Holding(addrs []Addr, ip netip.Addr, bits, linkIndex int) []Addr {
	var out []Addr
	for _, a := range addrs {
		if a.Prefix.Addr() == ip && (bits == 0 || a.Prefix.Bits() == bits) &&
			(linkIndex == 0 || a.LinkIndex == linkIndex) {
			out = append(out, a)
		}
	}
	return out
}

// Broadcast returns the broadcast address of p (all host bits set), or an
// invalid Addr for /31 and /32, which have none (RFC 3021).
func Broadcast(p netip.Prefix) netip.Addr {
	if !p.Addr().Is4() || p.Bits() >= 31 {
		return netip.Addr{}
	}
	b := p.Masked().Addr().As4()
	host := ^uint32(0) >> p.Bits()
	for i := range 4 {
		b[i] |= byte(host >> (24 - 8*i))
	}
	return netip.AddrFrom4(b)
}

// BaseBroadcast returns the broadcast address to give a VIP with prefix p:
// that of an address already configured in the same subnet with the same
// prefix length on linkIndex (so a VIP agrees with its interface's base
// address, as resource-agents copies it), otherwise computed from p.
func BaseBroadcast(addrs []Addr, p netip.Prefix, linkIndex int) netip.Addr {
	for _, a := range addrs {
		if a.LinkIndex == linkIndex && a.Prefix.Bits() == p.Bits() &&
			a.Prefix.Masked() == p.Masked() && a.Prefix.Addr() != p.Addr() && a.Broadcast.IsValid() {
			return a.Broadcast
		}
	}
	return Broadcast(p)
}
