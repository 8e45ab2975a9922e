package garp

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/mdlayher/ndp"
)

// IPv6 has no ARP: a host announces an address with unsolicited Neighbor
// Advertisements (RFC 4861 §7.2.6), which send_ua does for
// resource-agents. Each goes to all-nodes, with the Override flag set so
// neighbours replace the cached link-layer address of a moved VIP, and
// with the Target Link-Layer Address option carrying the new one. The
// hop limit is 255 (RFC 4861 §7.1.2: receivers drop anything else, which
// proves the packet came from the link); ndp sets it.

// allNodes is the link-local all-nodes multicast group (RFC 4291 §2.7.1).
var allNodes = netip.MustParseAddr("ff02::1")

// NAConn sends Neighbor Advertisements for one address on one interface.
type NAConn struct {
	c   *ndp.Conn
	mac net.HardwareAddr
	ip  netip.Addr
}

// DialNA opens an ICMPv6 socket on ifname bound to ip, which must be
// configured there and past duplicate address detection (a tentative
// address cannot be bound), so that the advertisements come from the
// address they announce, as send_ua's do.
func DialNA(ifname string, ip netip.Addr) (*NAConn, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return nil, fmt.Errorf("garp: %w", err)
	}
	if len(ifi.HardwareAddr) != macLen {
		return nil, fmt.Errorf("%w: %s has %v", errBadMAC, ifname, ifi.HardwareAddr)
	}
	c, _, err := ndp.Listen(ifi, ndp.Addr(ip.String()))
	if err != nil {
		return nil, fmt.Errorf("garp: opening ICMPv6 socket on %s for %s: %w", ifname, ip, err)
	}
	return &NAConn{c: c, mac: ifi.HardwareAddr, ip: ip}, nil
}

// Advertisement returns the unsolicited advertisement of ip at mac.
func Advertisement(ip netip.Addr, mac net.HardwareAddr) *ndp.NeighborAdvertisement {
	return &ndp.NeighborAdvertisement{
		Override:      true,
		TargetAddress: ip,
		Options:       []ndp.Option{&ndp.LinkLayerAddress{Direction: ndp.Target, Addr: mac}},
	}
}

// Advertise sends one advertisement to all nodes.
func (c *NAConn) Advertise() error {
	if err := c.c.WriteTo(Advertisement(c.ip, c.mac), nil, allNodes); err != nil {
		return fmt.Errorf("garp: neighbor advertisement for %s: %w", c.ip, err)
	}
	return nil
}

// HardwareAddr returns the interface's MAC address.
func (c *NAConn) HardwareAddr() net.HardwareAddr { return c.mac }

// Close closes the socket.
func (c *NAConn) Close() error { return c.c.Close() }

// AnnounceNA sends count advertisements, one every interval, the first at
// once. before, if not nil, runs before each; an error from it stops the
// announcements (the caller checks the address is still configured).
func AnnounceNA(ctx context.Context, c *NAConn, count int, interval time.Duration, before func() error) error {
	return repeat(ctx, realClock{}, count, interval, before, c.Advertise)
}
