package rip

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// RIPng (RFC 2080) is RIP for IPv6: the same distance-vector protocol with
// 20-octet route table entries of an IPv6 prefix, a route tag, the prefix
// length and the metric (§2.1), sent between link-local addresses over
// UDP port 521 to ff02::9 (§2.5.2), with no authentication of its own
// (§2.2 leaves that to IPsec).

// RIPng sizes and constants (RFC 2080 §2.1, §2.1.1).
const (
	NgPort          = 521 // source and destination port of updates
	NgVersion       = 1
	ngHeaderLen     = 4  // command, version, must-be-zero
	ngEntryLen      = 20 // prefix 16, route tag 2, prefix length 1, metric 1
	ngNextHopMetric = 0xff
	ipv6HeaderLen   = 40
	udpHeaderLen    = 8
	// MinMTU is the smallest link MTU IPv6 allows (RFC 8200 §5): a
	// datagram of NgMaxRoutes(MinMTU) entries fits every link.
	MinMTU = 1280
)

var (
	errNotIPv6   = errors.New("rip: not an IPv6 prefix")
	errNgVersion = errors.New("rip: unsupported RIPng version")
)

// NgMaxRoutes is how many entries fit a datagram on a link with mtu
// (RFC 2080 §2.1): what is left after the IPv6, UDP and RIPng headers.
func NgMaxRoutes(mtu int) int {
	return (mtu - ipv6HeaderLen - udpHeaderLen - ngHeaderLen) / ngEntryLen
}

// MarshalNg encodes a RIPng message. Next hops are not sent: the routes
// are via the sender (§2.1.1).
func MarshalNg(m *Message) ([]byte, error) {
	if len(m.Routes) > NgMaxRoutes(MinMTU) {
		return nil, fmt.Errorf("%w: %d", errTooMany, len(m.Routes))
	}
	b := make([]byte, 0, ngHeaderLen+ngEntryLen*len(m.Routes))
	b = appendHeader(b, m.Command, NgVersion)
	for _, r := range m.Routes {
		if !r.Prefix.Addr().Is6() || r.Prefix.Addr().Is4In6() {
			return nil, fmt.Errorf("%w: %v", errNotIPv6, r.Prefix)
		}
		if r.Metric < 1 || r.Metric > Infinity {
			return nil, fmt.Errorf("%w: %d", errMetric, r.Metric)
		}
		a := r.Prefix.Masked().Addr().As16()
		b = append(b, a[:]...)
		b = binary.BigEndian.AppendUint16(b, r.Tag)
		b = append(b, byte(r.Prefix.Bits()), byte(r.Metric))
	}
	return b, nil
}

// ParseNg decodes a RIPng message. A next-hop entry (metric 0xFF) applies
// to the routes after it (§2.1.1); an unspecified or non-link-local next
// hop means via the sender.
func ParseNg(b []byte) (*Message, error) {
	if len(b) < ngHeaderLen {
		return nil, errShort
	}
	if (len(b)-ngHeaderLen)%ngEntryLen != 0 {
		return nil, errLength
	}
	if b[1] != NgVersion {
		return nil, fmt.Errorf("%w %d", errNgVersion, b[1])
	}
	m := &Message{Command: Command(b[0]), Version: b[1]}
	var nextHop netip.Addr
	for e := b[ngHeaderLen:]; len(e) >= ngEntryLen; e = e[ngEntryLen:] {
		addr := netip.AddrFrom16([16]byte(e[:16]))
		bits, metric := int(e[18]), uint32(e[19])
		if metric == ngNextHopMetric {
			nextHop = netip.Addr{}
			if addr.IsLinkLocalUnicast() {
				nextHop = addr
			}
			continue
		}
		if bits > 128 {
			return nil, fmt.Errorf("rip: prefix length %d", bits)
		}
		if metric < 1 || metric > Infinity {
			return nil, fmt.Errorf("%w: %d", errMetric, metric)
		}
		m.Routes = append(m.Routes, Route{
			Prefix:  netip.PrefixFrom(addr, bits),
			NextHop: nextHop,
			Metric:  metric,
			Tag:     binary.BigEndian.Uint16(e[16:18]),
		})
	}
	return m, nil
}

// NgBatch splits routes into groups that each fit one RIPng datagram on
// any IPv6 link, keeping their order.
func NgBatch(routes []Route) [][]Route { return split(routes, NgMaxRoutes(MinMTU)) }
