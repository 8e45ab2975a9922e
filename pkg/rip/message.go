package rip

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// Sizes and limits (RFC 2453 §3.6, §4; RFC 1058 §3.1).
const (
	Port       = 520 // source and destination port of updates
	headerLen  = 4   // command, version, must-be-zero
	entryLen   = 20  // one route table entry
	MaxEntries = 25  // entries a datagram may carry
	// MaxDatagram is the largest RIP payload receivers take: 512 octets
	// without IP and UDP headers, authentication trailer included (FRR
	// drops anything longer).
	MaxDatagram = 512
	// Infinity is the metric of an unreachable destination.
	Infinity = 16
)

// Command is a RIP message's command (RFC 2453 §4).
type Command uint8

// Commands.
const (
	Request  Command = 1
	Response Command = 2
)

// Address family identifiers of route table entries.
const (
	familyInet = 2      // AF_INET
	familyAuth = 0xffff // the entry carries authentication (RFC 2453 §4.1)
)

// Route is one IPv4 route table entry.
type Route struct {
	Prefix  netip.Prefix // destination and mask; RIPv1 carries no mask
	NextHop netip.Addr   // invalid or 0.0.0.0: via the sender
	Metric  uint32       // 1..15, or Infinity
	Tag     uint16       // RIPv2 route tag
}

// Message is a RIP message without its authentication.
type Message struct {
	Command Command
	Version uint8
	Routes  []Route
}

var (
	errShort    = errors.New("rip: message too short")
	errLength   = errors.New("rip: length is not a header plus whole entries")
	errVersion  = errors.New("rip: unsupported version")
	errZeroMask = errors.New("rip: refusing a RIPv2 entry without a mask")
	errNotIPv4  = errors.New("rip: not an IPv4 prefix")
	errMetric   = errors.New("rip: metric out of range 1..16")
	errTooMany  = errors.New("rip: more entries than a datagram may carry")
)

// appendHeader appends the 4-octet header.
func appendHeader(b []byte, cmd Command, version uint8) []byte {
	return append(b, byte(cmd), version, 0, 0)
}

// appendRoute appends one route table entry in the given version's layout.
func appendRoute(b []byte, version uint8, r Route) ([]byte, error) {
	if !r.Prefix.Addr().Is4() {
		return nil, fmt.Errorf("%w: %v", errNotIPv4, r.Prefix)
	}
	if r.Metric < 1 || r.Metric > Infinity {
		return nil, fmt.Errorf("%w: %d", errMetric, r.Metric)
	}
	var e [entryLen]byte
	binary.BigEndian.PutUint16(e[0:2], familyInet)
	addr := r.Prefix.Addr().As4()
	copy(e[4:8], addr[:])
	if version == 2 {
		// A zero mask means "no mask": BIRD turns it into a default
		// route via the sender and FRR guesses a classful one.
		if r.Prefix.Bits() == 0 {
			return nil, fmt.Errorf("%w: %v", errZeroMask, r.Prefix)
		}
		binary.BigEndian.PutUint16(e[2:4], r.Tag)
		binary.BigEndian.PutUint32(e[8:12], ^uint32(0)<<(32-r.Prefix.Bits()))
		if r.NextHop.Is4() {
			nh := r.NextHop.As4()
			copy(e[12:16], nh[:])
		}
	}
	binary.BigEndian.PutUint32(e[16:20], r.Metric)
	return append(b, e[:]...), nil
}

// Marshal encodes m without authentication.
func (m *Message) Marshal() ([]byte, error) {
	if m.Version != 1 && m.Version != 2 {
		return nil, fmt.Errorf("%w: %d", errVersion, m.Version)
	}
	if len(m.Routes) > MaxEntries {
		return nil, fmt.Errorf("%w: %d", errTooMany, len(m.Routes))
	}
	b := appendHeader(make([]byte, 0, headerLen+entryLen*len(m.Routes)), m.Command, m.Version)
	for _, r := range m.Routes {
		var err error
		if b, err = appendRoute(b, m.Version, r); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// Parsed is a decoded datagram: the message and, for RIPv2, what its
// authentication entry said (not verified: see Key.Verify).
type Parsed struct {
	Message
	AuthType uint16 // 0: none, AuthSimple, AuthCrypto
	KeyID    uint8
	Sequence uint32
	Password []byte // simple password, zero padding removed
}

// Parse decodes a datagram. Entries of other address families (and a
// whole-table request's AFI 0 entry) are skipped; a cryptographic trailer
// is located through the authentication entry and not taken for routes.
func Parse(b []byte) (*Parsed, error) {
	if len(b) < headerLen {
		return nil, errShort
	}
	p := &Parsed{Message: Message{Command: Command(b[0]), Version: b[1]}}
	if p.Version != 1 && p.Version != 2 {
		return nil, fmt.Errorf("%w: %d", errVersion, p.Version)
	}
	body := b[headerLen:]
	if p.Version == 2 && len(body) >= entryLen && binary.BigEndian.Uint16(body[0:2]) == familyAuth {
		var err error
		if body, err = p.parseAuth(b, body); err != nil {
			return nil, err
		}
	}
	if len(body)%entryLen != 0 {
		return nil, errLength
	}
	for ; len(body) > 0; body = body[entryLen:] {
		if r, ok := parseRoute(p.Version, body[:entryLen]); ok {
			p.Routes = append(p.Routes, r)
		}
	}
	return p, nil
}

// parseRoute decodes an AF_INET entry; other families are skipped.
func parseRoute(version uint8, e []byte) (Route, bool) {
	if binary.BigEndian.Uint16(e[0:2]) != familyInet {
		return Route{}, false
	}
	addr := netip.AddrFrom4([4]byte(e[4:8]))
	r := Route{Metric: binary.BigEndian.Uint32(e[16:20])}
	bits := 32 // RIPv1 has no mask: the receiver infers one
	if version == 2 {
		r.Tag = binary.BigEndian.Uint16(e[2:4])
		bits = maskBits(binary.BigEndian.Uint32(e[8:12]))
		if bits < 0 {
			return Route{}, false // not a contiguous mask
		}
		r.NextHop = netip.AddrFrom4([4]byte(e[12:16]))
	}
	r.Prefix = netip.PrefixFrom(addr, bits)
	return r, true
}

// maskBits returns the prefix length of a contiguous mask, or -1.
func maskBits(m uint32) int {
	n := 0
	for m&0x80000000 != 0 {
		n++
		m <<= 1
	}
	if m != 0 {
		return -1
	}
	return n
}
