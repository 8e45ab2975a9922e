package garp

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/mdlayher/arp"
)

// Lengths of the frames this package sends (RFC 826 for Ethernet and IPv4).
const (
	ethernetHeaderLen = 14
	arpPacketLen      = 28 // htype, ptype, hlen, plen, op (8) + 2×(6+4)
	macLen            = 6
)

var (
	// Broadcast is the Ethernet destination of every frame sent here.
	Broadcast = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	zeroMAC   = net.HardwareAddr{0, 0, 0, 0, 0, 0}
	zeroIPv4  = netip.IPv4Unspecified()

	errNotIPv4 = errors.New("garp: not an IPv4 address")
	errBadMAC  = errors.New("garp: not an Ethernet hardware address")
)

func checkArgs(hw net.HardwareAddr, ip netip.Addr) error {
	if len(hw) != macLen {
		return fmt.Errorf("%w: %v", errBadMAC, hw)
	}
	if !ip.Is4() {
		return fmt.Errorf("%w: %v", errNotIPv4, ip)
	}
	return nil
}

// Request returns the gratuitous ARP request for ip at hw: "who-has ip
// tell ip", target hardware address zero (RFC 5944 §4.6). Hosts that only
// update their caches from requests get it from this one.
func Request(hw net.HardwareAddr, ip netip.Addr) (*arp.Packet, error) {
	if err := checkArgs(hw, ip); err != nil {
		return nil, err
	}
	return arp.NewPacket(arp.OperationRequest, hw, ip, zeroMAC, ip)
}

// Reply returns the gratuitous ARP reply for ip at hw: "ip is-at hw",
// sender and target both (hw, ip). Some switches and hosts only accept
// replies, which is why resource-agents' send_arp sends both.
func Reply(hw net.HardwareAddr, ip netip.Addr) (*arp.Packet, error) {
	if err := checkArgs(hw, ip); err != nil {
		return nil, err
	}
	return arp.NewPacket(arp.OperationReply, hw, ip, hw, ip)
}

// ProbePacket returns an RFC 5227 §2.1.1 probe for ip from hw: an ARP
// request with sender IP 0.0.0.0, so no neighbour updates its cache.
func ProbePacket(hw net.HardwareAddr, ip netip.Addr) (*arp.Packet, error) {
	if err := checkArgs(hw, ip); err != nil {
		return nil, err
	}
	return arp.NewPacket(arp.OperationRequest, hw, zeroIPv4, zeroMAC, ip)
}
