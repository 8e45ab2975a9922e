package netif

import (
	"encoding/binary"
	"net/netip"

	"golang.org/x/sys/unix"
)

// Address messages (RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR): struct
// ifaddrmsg {family, prefixlen, flags, scope u8; index u32} and IFA_*
// attributes.

// ifaCacheinfoLen is the length of struct ifa_cacheinfo.
const ifaCacheinfoLen = unix.SizeofIfaCacheinfo

// decodeAddr converts an RTM_NEWADDR message. ok is false for another
// family or a message without an address.
func decodeAddr(data []byte) (a Addr, ok bool) {
	if len(data) < ifaddrmsgLen {
		return Addr{}, false
	}
	family, bits := data[0], int(data[1])
	a.Flags = int(data[2])
	a.LinkIndex = int(binary.NativeEndian.Uint32(data[4:8]))
	var local, address netip.Addr
	for _, at := range parseAttrs(data[ifaddrmsgLen:]) {
		switch at.typ {
		case unix.IFA_LOCAL:
			local = ipFrom(family, at.value)
		case unix.IFA_ADDRESS:
			address = ipFrom(family, at.value)
		case unix.IFA_BROADCAST:
			a.Broadcast = ipFrom(family, at.value)
		case unix.IFA_LABEL:
			a.Label = cString(at.value)
		case unix.IFA_FLAGS:
			// The 8-bit ifa_flags cannot hold IFA_F_NOPREFIXROUTE and
			// later flags; the attribute carries all of them.
			if len(at.value) == 4 {
				a.Flags = int(binary.NativeEndian.Uint32(at.value))
			}
		}
	}
	// For IPv4, IFA_LOCAL is the interface's own address and IFA_ADDRESS
	// the peer of a point-to-point link; IPv6 sends IFA_ADDRESS only
	// (linux/if_addr.h).
	ip := local
	if !ip.IsValid() {
		ip = address
	} else if address.IsValid() && address != local {
		a.Peer = address
	}
	if !ip.IsValid() || bits > ip.BitLen() {
		return Addr{}, false
	}
	a.Prefix = netip.PrefixFrom(ip, bits)
	return a, true
}

// ipFrom converts an attribute value of family to an address, invalid on
// a length mismatch.
func ipFrom(family byte, b []byte) netip.Addr {
	switch {
	case family == unix.AF_INET && len(b) == 4:
		return netip.AddrFrom4([4]byte(b))
	case family == unix.AF_INET6 && len(b) == 16:
		return netip.AddrFrom16([16]byte(b))
	}
	return netip.Addr{}
}

func familyOf(ip netip.Addr) byte {
	if ip.Is4() {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

// encodeAddr builds the payload adding or removing a on linkIndex.
func encodeAddr(a Addr, linkIndex int) []byte {
	ip := a.Prefix.Addr()
	b := make([]byte, ifaddrmsgLen)
	b[0] = familyOf(ip)
	b[1] = byte(a.Prefix.Bits())
	b[2] = byte(a.Flags)
	// The kernel refuses 127/8 addresses with universe scope; iproute2
	// gives them host scope (default_scope), and so do we.
	if ip.IsLoopback() {
		b[3] = unix.RT_SCOPE_HOST
	}
	binary.NativeEndian.PutUint32(b[4:8], uint32(linkIndex))
	b = appendAttr(b, unix.IFA_LOCAL, ip.AsSlice())
	b = appendAttr(b, unix.IFA_ADDRESS, ip.AsSlice())
	if a.Broadcast.IsValid() {
		b = appendAttr(b, unix.IFA_BROADCAST, a.Broadcast.AsSlice())
	}
	if a.Label != "" {
		b = appendAttr(b, unix.IFA_LABEL, append([]byte(a.Label), 0))
	}
	if a.Flags > 0xff {
		b = appendAttr(b, unix.IFA_FLAGS, u32(uint32(a.Flags)))
	}
	if a.Preferred != nil {
		// struct ifa_cacheinfo: preferred and valid lifetimes, then two
		// timestamps the kernel fills in.
		ci := make([]byte, ifaCacheinfoLen)
		binary.NativeEndian.PutUint32(ci[0:4], *a.Preferred)
		binary.NativeEndian.PutUint32(ci[4:8], Forever)
		b = appendAttr(b, unix.IFA_CACHEINFO, ci)
	}
	return b
}
