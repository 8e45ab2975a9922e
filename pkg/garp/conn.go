package garp

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/mdlayher/arp"
	"github.com/mdlayher/ethernet"
	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"
)

// etherTypeARP is the EtherType of ARP frames (RFC 826).
const etherTypeARP = 0x0806

// Conn is a raw ARP socket on one interface.
type Conn struct {
	ifi *net.Interface
	pc  *packet.Conn
	buf []byte
}

// Dial opens a raw ARP socket on the named interface in the calling
// thread's network namespace. The link needs no IPv4 address.
func Dial(ifname string) (*Conn, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return nil, fmt.Errorf("garp: %w", err)
	}
	if len(ifi.HardwareAddr) != macLen {
		return nil, fmt.Errorf("%w: %s has %v", errBadMAC, ifname, ifi.HardwareAddr)
	}
	pc, err := packet.Listen(ifi, packet.Raw, etherTypeARP, nil)
	if err != nil {
		return nil, fmt.Errorf("garp: opening ARP socket on %s: %w", ifname, err)
	}
	return &Conn{ifi: ifi, pc: pc, buf: make([]byte, ifi.MTU+ethernetHeaderLen)}, nil
}

// HardwareAddr returns the interface's MAC address.
func (c *Conn) HardwareAddr() net.HardwareAddr { return c.ifi.HardwareAddr }

// WriteTo sends p in an Ethernet frame from the interface to addr.
func (c *Conn) WriteTo(p *arp.Packet, addr net.HardwareAddr) error {
	pb, err := p.MarshalBinary()
	if err != nil {
		return fmt.Errorf("garp: %w", err)
	}
	f := &ethernet.Frame{Destination: addr, Source: c.ifi.HardwareAddr, EtherType: ethernet.EtherTypeARP, Payload: pb}
	fb, err := f.MarshalBinary()
	if err != nil {
		return fmt.Errorf("garp: %w", err)
	}
	if _, err := c.pc.WriteTo(fb, &packet.Addr{HardwareAddr: addr}); err != nil {
		return fmt.Errorf("garp: sending on %s: %w", c.ifi.Name, err)
	}
	return nil
}

// Read returns the next ARP packet received and its Ethernet source,
// skipping frames that are not well-formed Ethernet/IPv4 ARP.
func (c *Conn) Read() (*arp.Packet, net.HardwareAddr, error) {
	for {
		n, _, err := c.pc.ReadFrom(c.buf)
		if err != nil {
			return nil, nil, err
		}
		p, src, err := parseFrame(c.buf[:n])
		if err == nil {
			return p, src, nil
		}
	}
}

// SetReadDeadline bounds Read.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.pc.SetReadDeadline(t) }

// Close closes the socket. Closing a packet socket waits for an RCU grace
// period in the kernel (packet_release calls synchronize_net), several
// milliseconds; see File for a way to keep that off a latency path.
func (c *Conn) Close() error { return c.pc.Close() }

// File returns a duplicate of the socket's descriptor. A process that
// hands it to a child that outlives it exits without releasing the socket
// itself, so its exit does not wait for the kernel's grace period.
func (c *Conn) File() (*os.File, error) {
	rc, err := c.pc.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("garp: %w", err)
	}
	var dup int
	var dupErr error
	if err := rc.Control(func(fd uintptr) { dup, dupErr = unix.Dup(int(fd)) }); err != nil {
		return nil, fmt.Errorf("garp: %w", err)
	}
	if dupErr != nil {
		return nil, fmt.Errorf("garp: duplicating the ARP socket: %w", dupErr)
	}
	return os.NewFile(uintptr(dup), "arp-socket"), nil
}

var errNotARP = errors.New("garp: not an Ethernet/IPv4 ARP frame")

// parseFrame decodes an untagged Ethernet frame carrying an ARP packet for
// IPv4: what it accepts has EtherType 0x0806 at byte 12 and the 28-byte
// Ethernet/IPv4 ARP header and addresses at byte 14 (trailing padding is
// ignored); the source returned is the frame's, bytes 6 to 12.
func parseFrame(b []byte) (*arp.Packet, net.HardwareAddr, error) {
	if len(b) < ethernetHeaderLen+arpPacketLen {
		return nil, nil, errNotARP
	}
	var f ethernet.Frame
	if err := f.UnmarshalBinary(b); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errNotARP, err)
	}
	// The ethernet decoder skips 802.1Q/802.1ad tags; refuse tagged frames.
	// Linux moves the tag of a received frame into packet metadata before
	// a packet socket bound to ARP sees it, so a tag still in the bytes is
	// a second one (or an injected frame): it belongs to a VLAN, another
	// broadcast domain than the link we announce and probe on, and its ARP
	// says nothing about who holds an address here. Refusing it also keeps
	// the ARP header where everything after this expects it, at byte 14.
	if f.VLAN != nil || f.ServiceVLAN != nil {
		return nil, nil, errNotARP
	}
	if f.EtherType != ethernet.EtherTypeARP || len(f.Payload) < arpPacketLen {
		return nil, nil, errNotARP
	}
	// The ARP header must describe Ethernet and IPv4 before arp's decoder
	// sees it: hardware type 1, protocol 0x0800, lengths 6 and 4.
	h := f.Payload
	if h[0] != 0 || h[1] != 1 || h[2] != 0x08 || h[3] != 0x00 || h[4] != macLen || h[5] != 4 {
		return nil, nil, errNotARP
	}
	var p arp.Packet
	if err := p.UnmarshalBinary(f.Payload[:arpPacketLen]); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errNotARP, err)
	}
	return &p, f.Source, nil
}
