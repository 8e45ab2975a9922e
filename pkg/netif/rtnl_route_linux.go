package netif

import (
	"encoding/binary"
	"net/netip"

	"golang.org/x/sys/unix"
)

// Route messages (RTM_NEWROUTE, RTM_GETROUTE): struct rtmsg {family,
// dst_len, src_len, tos, table, protocol, scope, type u8; flags u32} and
// RTA_* attributes.

// decodeRoute converts an RTM_NEWROUTE message; routes cloned into the
// cache (RTM_F_CLONED) are skipped.
func decodeRoute(data []byte) (Route, bool) {
	if len(data) < rtmsgLen {
		return Route{}, false
	}
	family, bits := data[0], int(data[1])
	if binary.NativeEndian.Uint32(data[8:12])&unix.RTM_F_CLONED != 0 {
		return Route{}, false
	}
	r := Route{
		Table:    int(data[4]),
		Protocol: int(data[5]),
		Scope:    int(data[6]),
		Type:     int(data[7]),
	}
	// Without RTA_DST the destination is the default route of the family.
	dst := netip.IPv4Unspecified()
	if family == unix.AF_INET6 {
		dst = netip.IPv6Unspecified()
	} else if family != unix.AF_INET {
		return Route{}, false
	}
	for _, at := range parseAttrs(data[rtmsgLen:]) {
		switch at.typ {
		case unix.RTA_DST:
			dst = ipFrom(family, at.value)
		case unix.RTA_OIF:
			if len(at.value) == 4 {
				r.LinkIndex = int(binary.NativeEndian.Uint32(at.value))
			}
		case unix.RTA_GATEWAY, unix.RTA_VIA:
			r.Gateway = true
			r.Via = gatewayAttr(family, at)
		case unix.RTA_MULTIPATH:
			r.Gateway = true
			r.Nexthops = decodeMultipath(family, at.value)
		case rtaNHID:
			// Gateway is left to RTA_GATEWAY and RTA_MULTIPATH, which
			// the kernel adds in nexthop_compat_mode.
			if len(at.value) == 4 {
				r.NexthopID = binary.NativeEndian.Uint32(at.value)
			}
		case unix.RTA_PRIORITY:
			if len(at.value) == 4 {
				r.Metric = int(binary.NativeEndian.Uint32(at.value))
			}
		case unix.RTA_PREFSRC:
			r.Src = ipFrom(family, at.value)
		case unix.RTA_TABLE:
			// Tables above 255 do not fit rtm_table.
			if len(at.value) == 4 {
				r.Table = int(binary.NativeEndian.Uint32(at.value))
			}
		}
	}
	if !dst.IsValid() || bits > dst.BitLen() {
		return Route{}, false
	}
	r.Dst = netip.PrefixFrom(dst, bits)
	return r, true
}

// encodeRouteDump builds the RTM_GETROUTE dump payload for a family: the
// kernel then dumps every table.
func encodeRouteDump(family byte) []byte {
	b := make([]byte, rtmsgLen)
	b[0] = family
	return b
}
