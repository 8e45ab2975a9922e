package netif

import (
	"encoding/binary"
	"net"

	"golang.org/x/sys/unix"
)

// Link messages (RTM_NEWLINK, RTM_GETLINK): struct ifinfomsg {family,
// pad u8; type u16; index i32; flags, change u32} and IFLA_* attributes.

// RTEXT_FILTER_SKIP_STATS from linux/rtnetlink.h (Linux 4.20), which
// x/sys/unix does not export.
const rtextFilterSkipStats = 1 << 3

// Operational states from linux/if.h (RFC 2863 ifOperStatus), which
// x/sys/unix does not export.
const (
	operDown           = 2 // IF_OPER_DOWN
	operLowerLayerDown = 3 // IF_OPER_LOWERLAYERDOWN
)

// decodeLink converts an RTM_NEWLINK message.
func decodeLink(data []byte) (Link, bool) {
	if len(data) < ifinfomsgLen {
		return Link{}, false
	}
	flags := binary.NativeEndian.Uint32(data[8:12])
	l := Link{
		Index:    int(int32(binary.NativeEndian.Uint32(data[4:8]))),
		AdminUp:  flags&unix.IFF_UP != 0,
		Loopback: flags&unix.IFF_LOOPBACK != 0,
		NoARP:    flags&unix.IFF_NOARP != 0,
	}
	for _, at := range parseAttrs(data[ifinfomsgLen:]) {
		switch at.typ {
		case unix.IFLA_IFNAME:
			l.Name = cString(at.value)
		case unix.IFLA_ADDRESS:
			l.MAC = net.HardwareAddr(append([]byte(nil), at.value...))
		case unix.IFLA_OPERSTATE:
			if len(at.value) == 1 {
				l.OperDown = at.value[0] == operDown || at.value[0] == operLowerLayerDown
			}
		case unix.IFLA_PROP_LIST:
			for _, p := range parseAttrs(at.value) {
				if p.typ == unix.IFLA_ALT_IFNAME {
					l.AltNames = append(l.AltNames, cString(p.value))
				}
			}
		}
	}
	return l, l.Index > 0
}

// encodeLinkQuery builds an RTM_GETLINK payload for an index, or for a
// name when index is 0. The kernel resolves an IFLA_ALT_IFNAME against
// names and alternative names alike (Linux 5.5 and later).
func encodeLinkQuery(index int, name string) []byte {
	b := make([]byte, ifinfomsgLen)
	binary.NativeEndian.PutUint32(b[4:8], uint32(int32(index)))
	// Without RTEXT_FILTER_SKIP_STATS the kernel adds hundreds of octets
	// of counters nobody here reads.
	b = appendAttr(b, unix.IFLA_EXT_MASK, u32(rtextFilterSkipStats))
	if index == 0 {
		typ := uint16(unix.IFLA_IFNAME)
		if len(name) >= unix.IFNAMSIZ {
			typ = unix.IFLA_ALT_IFNAME
		}
		b = appendAttr(b, typ, append([]byte(name), 0))
	}
	return b
}

// encodeLinkFlags builds an RTM_NEWLINK payload changing IFF_UP only.
func encodeLinkFlags(index int, up bool) []byte {
	b := make([]byte, ifinfomsgLen)
	binary.NativeEndian.PutUint32(b[4:8], uint32(int32(index)))
	if up {
		binary.NativeEndian.PutUint32(b[8:12], unix.IFF_UP)
	}
	binary.NativeEndian.PutUint32(b[12:16], unix.IFF_UP)
	return b
}
