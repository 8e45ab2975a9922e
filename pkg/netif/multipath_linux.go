package netif

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// Lengths and attribute types from linux/rtnetlink.h and linux/nexthop.h.
const (
	rtnexthopLen = unix.SizeofRtNexthop  // struct rtnexthop {len u16; flags, hops u8; ifindex i32}
	nhmsgLen     = unix.SizeofNhmsg      // struct nhmsg {family, scope, protocol, resvd u8; flags u32}
	nhGroupLen   = unix.SizeofNexthopGrp // struct nexthop_grp {id u32; weight, weight_high u8; resvd u16}
	rtaNHID      = 30                    // RTA_NH_ID, which x/sys/unix does not export
)

// decodeMultipath parses an RTA_MULTIPATH value of a route of family.
func decodeMultipath(family byte, b []byte) []Nexthop {
	var out []Nexthop
	for len(b) >= rtnexthopLen {
		l := int(binary.NativeEndian.Uint16(b[0:2]))
		if l < rtnexthopLen || l > len(b) {
			break
		}
		nh := Nexthop{
			Flags:     int(b[2]),
			Weight:    int(b[3]) + 1, // rtnh_hops is the weight minus one
			LinkIndex: int(int32(binary.NativeEndian.Uint32(b[4:8]))),
		}
		for _, at := range parseAttrs(b[rtnexthopLen:l]) {
			if gw := gatewayAttr(family, at); gw.IsValid() {
				nh.Gateway = gw
			}
		}
		out = append(out, nh)
		b = b[min(align(l), len(b)):]
	}
	return out
}

// gatewayAttr reads RTA_GATEWAY, or RTA_VIA (struct rtvia {family u16;
// address}: an IPv4 route through an IPv6 gateway, RFC 5549); invalid for
// any other attribute.
func gatewayAttr(family byte, at attr) netip.Addr {
	switch {
	case at.typ == unix.RTA_GATEWAY:
		return ipFrom(family, at.value)
	case at.typ == unix.RTA_VIA && len(at.value) > 2:
		return ipFrom(byte(binary.NativeEndian.Uint16(at.value[0:2])), at.value[2:])
	}
	return netip.Addr{}
}

// nexthopObject is one entry of the kernel's nexthop table: a nexthop, or
// a group of other entries' ids.
type nexthopObject struct {
	id        uint32
	nexthop   Nexthop
	group     []groupMember
	blackhole bool
}

// groupMember is one entry of a nexthop group: another object's id and
// its weight in the group.
type groupMember struct {
	id     uint32
	weight int
}

// decodeNexthop converts an RTM_NEWNEXTHOP message.
func decodeNexthop(data []byte) (nexthopObject, bool) {
	if len(data) < nhmsgLen {
		return nexthopObject{}, false
	}
	family := data[0]
	o := nexthopObject{nexthop: Nexthop{Flags: int(binary.NativeEndian.Uint32(data[4:8])), Weight: 1}}
	for _, at := range parseAttrs(data[nhmsgLen:]) {
		switch at.typ {
		case unix.NHA_ID:
			if len(at.value) == 4 {
				o.id = binary.NativeEndian.Uint32(at.value)
			}
		case unix.NHA_OIF:
			if len(at.value) == 4 {
				o.nexthop.LinkIndex = int(int32(binary.NativeEndian.Uint32(at.value)))
			}
		case unix.NHA_GATEWAY:
			o.nexthop.Gateway = ipFrom(family, at.value)
		case unix.NHA_BLACKHOLE:
			o.blackhole = true
		case unix.NHA_GROUP:
			for v := at.value; len(v) >= nhGroupLen; v = v[nhGroupLen:] {
				o.group = append(o.group, groupMember{
					id:     binary.NativeEndian.Uint32(v[0:4]),
					weight: int(v[4]) + int(v[5])<<8 + 1,
				})
			}
		}
	}
	return o, o.id != 0
}

// Paths returns the nexthops r sends through, in the kernel's order: its
// multipath nexthops, the members of its nexthop object, or its one
// interface and gateway.
func (h *Host) Paths(r Route) ([]Nexthop, error) {
	switch {
	case len(r.Nexthops) > 0:
		return r.Nexthops, nil
	case r.NexthopID != 0 && r.LinkIndex == 0:
		return h.resolveNexthop(r.NexthopID)
	case r.LinkIndex != 0:
		return []Nexthop{{LinkIndex: r.LinkIndex, Gateway: r.Via, Weight: 1}}, nil
	}
	return nil, nil
}

// resolveNexthop expands nexthop object id: a group into its members (the
// kernel allows no nested groups), a nexthop into itself.
func (h *Host) resolveNexthop(id uint32) ([]Nexthop, error) {
	objs, err := dumpAll(h, unix.RTM_GETNEXTHOP, make([]byte, nhmsgLen), decodeNexthop)
	if err != nil {
		return nil, fmt.Errorf("listing nexthops: %w", err)
	}
	byID := make(map[uint32]nexthopObject, len(objs))
	for _, o := range objs {
		byID[o.id] = o
	}
	o, ok := byID[id]
	switch {
	case !ok:
		return nil, fmt.Errorf("nexthop %d: not in the nexthop table", id)
	case o.blackhole:
		return nil, nil
	case o.group == nil:
		return []Nexthop{o.nexthop}, nil
	}
	var out []Nexthop
	for _, m := range o.group {
		member, ok := byID[m.id]
		if !ok || member.blackhole || member.group != nil {
			continue
		}
		nh := member.nexthop
		nh.Weight = m.weight
		out = append(out, nh)
	}
	return out, nil
}
