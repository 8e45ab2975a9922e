package netif

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// Address labels steer IPv6 source address selection (RFC 6724 §2.1): a
// source is preferred whose label matches the destination's. Giving a
// VIP a label of its own keeps the node from using it as the source of
// its own connections, which would break when the VIP moves away.

// Address label messages (RTM_NEWADDRLABEL, RTM_DELADDRLABEL): struct
// ifaddrlblmsg {family, reserved, prefixlen, flags u8; index, seq u32} and
// IFAL_ADDRESS, IFAL_LABEL, from linux/if_addrlabel.h.
const ifaddrlblmsgLen = unix.SizeofIfAddrlblmsg

func encodeAddrLabel(p netip.Prefix, label uint32) []byte {
	b := make([]byte, ifaddrlblmsgLen)
	b[0] = unix.AF_INET6
	b[2] = byte(p.Bits())
	b = appendAttr(b, unix.IFAL_ADDRESS, p.Addr().AsSlice())
	return appendAttr(b, unix.IFAL_LABEL, u32(label))
}

// AddAddrLabel gives prefix p the label. An equal entry already there (a
// previous start that was not stopped cleanly) is not an error.
func (h *Host) AddAddrLabel(p netip.Prefix, label uint32) error {
	_, err := h.c.request(unix.RTM_NEWADDRLABEL, unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK, encodeAddrLabel(p, label))
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("adding address label %d for %s: %w", label, p, err)
	}
	return nil
}

// DelAddrLabel removes p's label; one already gone is not an error.
func (h *Host) DelAddrLabel(p netip.Prefix, label uint32) error {
	_, err := h.c.request(unix.RTM_DELADDRLABEL, unix.NLM_F_ACK, encodeAddrLabel(p, label))
	if err != nil && !errors.Is(err, unix.ESRCH) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("removing address label for %s: %w", p, err)
	}
	return nil
}

// AddrLabels returns the label of every prefix in the table.
func (h *Host) AddrLabels() (map[netip.Prefix]uint32, error) {
	req := make([]byte, ifaddrlblmsgLen)
	req[0] = unix.AF_INET6
	type entry struct {
		p     netip.Prefix
		label uint32
	}
	list, err := dumpAll(h, unix.RTM_GETADDRLABEL, req, func(b []byte) (entry, bool) {
		if len(b) < ifaddrlblmsgLen {
			return entry{}, false
		}
		var e entry
		var ip netip.Addr
		for _, at := range parseAttrs(b[ifaddrlblmsgLen:]) {
			switch {
			case at.typ == unix.IFAL_ADDRESS:
				ip = ipFrom(unix.AF_INET6, at.value)
			case at.typ == unix.IFAL_LABEL && len(at.value) == 4:
				e.label = binary.NativeEndian.Uint32(at.value)
			}
		}
		if !ip.IsValid() || int(b[2]) > ip.BitLen() {
			return entry{}, false
		}
		e.p = netip.PrefixFrom(ip, int(b[2]))
		return e, true
	})
	if err != nil {
		return nil, fmt.Errorf("listing address labels: %w", err)
	}
	out := make(map[netip.Prefix]uint32, len(list))
	for _, e := range list {
		out[e.p] = e.label
	}
	return out, nil
}
