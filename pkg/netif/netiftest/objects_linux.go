package netiftest

import (
	"encoding/binary"
	"net/netip"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"golang.org/x/sys/unix"
)

// Operational states of linux/if.h (RFC 2863), which x/sys/unix lacks.
const (
	operDown           = 2
	operLowerLayerDown = 3
	operUp             = 6
)

// rtaNHID is RTA_NH_ID of linux/rtnetlink.h, which x/sys/unix lacks.
const rtaNHID = 30

func family(ip netip.Addr) byte {
	if ip.Is4() {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

// linkMessage is the RTM_NEWLINK payload describing l. A link that is
// administratively down is operationally down too, as the kernel reports
// it; Link.OperDown of an up link means no carrier (LOWERLAYERDOWN).
func linkMessage(l netif.Link) []byte {
	var flags uint32
	hwType := uint16(unix.ARPHRD_ETHER)
	if l.AdminUp {
		flags |= unix.IFF_UP
	}
	if l.AdminUp && !l.OperDown {
		flags |= unix.IFF_RUNNING | unix.IFF_LOWER_UP
	}
	if l.Loopback {
		flags |= unix.IFF_LOOPBACK
		hwType = unix.ARPHRD_LOOPBACK
	}
	if l.NoARP {
		flags |= unix.IFF_NOARP
	}
	b := make([]byte, unix.SizeofIfInfomsg)
	binary.NativeEndian.PutUint16(b[2:4], hwType)
	binary.NativeEndian.PutUint32(b[4:8], uint32(int32(l.Index)))
	binary.NativeEndian.PutUint32(b[8:12], flags)
	b = putAttr(b, unix.IFLA_IFNAME, str(l.Name))
	if len(l.MAC) > 0 {
		b = putAttr(b, unix.IFLA_ADDRESS, l.MAC)
	}
	oper := byte(operUp)
	switch {
	case !l.AdminUp:
		oper = operDown
	case l.OperDown:
		oper = operLowerLayerDown
	}
	b = putAttr(b, unix.IFLA_OPERSTATE, []byte{oper})
	if len(l.AltNames) > 0 {
		var props []byte
		for _, n := range l.AltNames {
			props = putAttr(props, unix.IFLA_ALT_IFNAME, str(n))
		}
		b = putAttr(b, unix.IFLA_PROP_LIST|unix.NLA_F_NESTED, props)
	}
	return b
}

// addrScope is the scope the kernel gives an address.
func addrScope(ip netip.Addr) byte {
	switch {
	case ip.IsLoopback():
		return unix.RT_SCOPE_HOST
	case ip.IsLinkLocalUnicast():
		return unix.RT_SCOPE_LINK
	}
	return unix.RT_SCOPE_UNIVERSE
}

// addrMessage is the RTM_NEWADDR payload describing a: for IPv4, IFA_LOCAL
// is the address and IFA_ADDRESS the peer (the address itself without
// one); IPv6 has IFA_ADDRESS only.
func addrMessage(a netif.Addr) []byte {
	ip := a.Prefix.Addr()
	b := []byte{family(ip), byte(a.Prefix.Bits()), byte(a.Flags), addrScope(ip)}
	b = binary.NativeEndian.AppendUint32(b, uint32(a.LinkIndex))
	address := ip
	if a.Peer.IsValid() {
		address = a.Peer
	}
	b = putAttr(b, unix.IFA_ADDRESS, address.AsSlice())
	if ip.Is4() {
		b = putAttr(b, unix.IFA_LOCAL, ip.AsSlice())
		if a.Label != "" {
			b = putAttr(b, unix.IFA_LABEL, str(a.Label))
		}
	}
	if a.Broadcast.IsValid() {
		b = putAttr(b, unix.IFA_BROADCAST, a.Broadcast.AsSlice())
	}
	return putAttr(b, unix.IFA_FLAGS, u32(uint32(a.Flags)))
}

// parseAddr reads an RTM_NEWADDR or RTM_DELADDR request.
func parseAddr(p []byte) (netif.Addr, bool) {
	if len(p) < unix.SizeofIfAddrmsg {
		return netif.Addr{}, false
	}
	a := netif.Addr{Flags: int(p[2]), LinkIndex: int(binary.NativeEndian.Uint32(p[4:8]))}
	var local, address netip.Addr
	for _, at := range attributes(p[unix.SizeofIfAddrmsg:]) {
		switch at.typ {
		case unix.IFA_LOCAL:
			local, _ = netip.AddrFromSlice(at.value)
		case unix.IFA_ADDRESS:
			address, _ = netip.AddrFromSlice(at.value)
		case unix.IFA_BROADCAST:
			a.Broadcast, _ = netip.AddrFromSlice(at.value)
		case unix.IFA_LABEL:
			a.Label = cstr(at.value)
		case unix.IFA_FLAGS:
			if len(at.value) == 4 {
				a.Flags = int(binary.NativeEndian.Uint32(at.value))
			}
		}
	}
	ip := local
	if !ip.IsValid() {
		ip = address
	} else if address.IsValid() && address != local {
		a.Peer = address
	}
	if !ip.IsValid() || int(p[1]) > ip.BitLen() {
		return netif.Addr{}, false
	}
	a.Prefix = netip.PrefixFrom(ip, int(p[1]))
	return a, true
}

// routeMessage is the RTM_NEWROUTE payload describing r.
func routeMessage(r netif.Route) []byte {
	fam := family(r.Dst.Addr())
	table := byte(unix.RT_TABLE_COMPAT)
	if r.Table < 256 {
		table = byte(r.Table)
	}
	b := []byte{fam, byte(r.Dst.Bits()), 0, 0, table, byte(r.Protocol), byte(r.Scope), byte(r.Type)}
	b = binary.NativeEndian.AppendUint32(b, 0)
	b = putAttr(b, unix.RTA_TABLE, u32(uint32(r.Table)))
	if r.Dst.Bits() > 0 {
		b = putAttr(b, unix.RTA_DST, r.Dst.Addr().AsSlice())
	}
	if r.Metric != 0 {
		b = putAttr(b, unix.RTA_PRIORITY, u32(uint32(r.Metric)))
	}
	if r.Src.IsValid() {
		b = putAttr(b, unix.RTA_PREFSRC, r.Src.AsSlice())
	}
	if r.NexthopID != 0 {
		b = putAttr(b, rtaNHID, u32(r.NexthopID))
	}
	if r.LinkIndex != 0 {
		b = putAttr(b, unix.RTA_OIF, u32(uint32(r.LinkIndex)))
	}
	if r.Via.IsValid() {
		b = gateway(b, fam, r.Via)
	}
	if len(r.Nexthops) > 0 {
		var mp []byte
		for _, nh := range r.Nexthops {
			var attrs []byte
			if nh.Gateway.IsValid() {
				attrs = gateway(attrs, fam, nh.Gateway)
			}
			weight := max(nh.Weight, 1)
			mp = binary.NativeEndian.AppendUint16(mp, uint16(unix.SizeofRtNexthop+len(attrs)))
			mp = append(mp, byte(nh.Flags), byte(weight-1))
			mp = binary.NativeEndian.AppendUint32(mp, uint32(int32(nh.LinkIndex)))
			mp = append(mp, attrs...)
		}
		b = putAttr(b, unix.RTA_MULTIPATH, mp)
	}
	return b
}

// gateway appends RTA_GATEWAY, or RTA_VIA for a gateway of the other
// family (RFC 5549).
func gateway(b []byte, fam byte, gw netip.Addr) []byte {
	if family(gw) == fam {
		return putAttr(b, unix.RTA_GATEWAY, gw.AsSlice())
	}
	via := binary.NativeEndian.AppendUint16(nil, uint16(family(gw)))
	return putAttr(b, unix.RTA_VIA, append(via, gw.AsSlice()...))
}

// Nexthop is an entry of the kernel's nexthop table (ip nexthop): one
// nexthop, a group of other entries, or a blackhole.
type Nexthop struct {
	ID        uint32
	Nexthop   netif.Nexthop // LinkIndex, Gateway and Flags; not for a group
	Group     []Member
	Blackhole bool
}

// Member is one entry of a nexthop group and its weight (1 to 65536).
type Member struct {
	ID     uint32
	Weight int
}

// nexthopMessage is the RTM_NEWNEXTHOP payload describing o.
func nexthopMessage(o Nexthop) []byte {
	var fam byte
	if o.Nexthop.Gateway.IsValid() {
		fam = family(o.Nexthop.Gateway)
	}
	b := []byte{fam, 0, 0, 0}
	b = binary.NativeEndian.AppendUint32(b, uint32(o.Nexthop.Flags))
	b = putAttr(b, unix.NHA_ID, u32(o.ID))
	switch {
	case len(o.Group) > 0:
		var g []byte
		for _, m := range o.Group {
			w := max(m.Weight, 1) - 1
			g = binary.NativeEndian.AppendUint32(g, m.ID)
			g = append(g, byte(w), byte(w>>8), 0, 0)
		}
		b = putAttr(b, unix.NHA_GROUP, g)
	case o.Blackhole:
		b = putAttr(b, unix.NHA_BLACKHOLE, nil)
	default:
		b = putAttr(b, unix.NHA_OIF, u32(uint32(o.Nexthop.LinkIndex)))
		if o.Nexthop.Gateway.IsValid() {
			b = putAttr(b, unix.NHA_GATEWAY, o.Nexthop.Gateway.AsSlice())
		}
	}
	return b
}

// labelMessage is the RTM_NEWADDRLABEL payload for p and label.
func labelMessage(p netip.Prefix, label uint32) []byte {
	b := make([]byte, unix.SizeofIfAddrlblmsg)
	b[0], b[2] = unix.AF_INET6, byte(p.Bits())
	b = putAttr(b, unix.IFAL_ADDRESS, p.Addr().AsSlice())
	return putAttr(b, unix.IFAL_LABEL, u32(label))
}

// parseLabel reads an RTM_NEWADDRLABEL or RTM_DELADDRLABEL request.
func parseLabel(p []byte) (netip.Prefix, uint32, bool) {
	if len(p) < unix.SizeofIfAddrlblmsg {
		return netip.Prefix{}, 0, false
	}
	var ip netip.Addr
	var label uint32
	for _, at := range attributes(p[unix.SizeofIfAddrlblmsg:]) {
		switch {
		case at.typ == unix.IFAL_ADDRESS:
			ip, _ = netip.AddrFromSlice(at.value)
		case at.typ == unix.IFAL_LABEL && len(at.value) == 4:
			label = binary.NativeEndian.Uint32(at.value)
		}
	}
	if !ip.Is6() || int(p[2]) > ip.BitLen() {
		return netip.Prefix{}, 0, false
	}
	return netip.PrefixFrom(ip, int(p[2])), label, true
}
