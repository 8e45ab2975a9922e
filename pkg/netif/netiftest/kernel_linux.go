package netiftest

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"sync"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"golang.org/x/sys/unix"
)

// Kernel is the fake kernel's state, set up by a test in netif's own
// types, and its rtnetlink side. Changes that requests make are visible in
// the fields afterwards.
type Kernel struct {
	Links    []netif.Link
	Addrs    []netif.Addr
	Routes   []netif.Route
	Nexthops []Nexthop
	Labels   map[netip.Prefix]uint32 // IPv6 address labels (RFC 6724 §2.1)

	// Requests lists every request received, in order.
	Requests []Request

	mu         sync.Mutex
	faults     []fault
	interrupts int
}

// Request is what the kernel saw of one request.
type Request struct {
	Type  uint16 // RTM_*
	Flags uint16 // NLM_F_*
}

// Changes reports whether the request asks to change something rather
// than to read.
func (r Request) Changes() bool {
	switch r.Type {
	case unix.RTM_NEWLINK, unix.RTM_NEWADDR, unix.RTM_DELADDR, unix.RTM_NEWADDRLABEL, unix.RTM_DELADDRLABEL:
		return true
	}
	return false
}

// fault makes the nth request of type typ fail.
type fault struct {
	typ   uint16
	nth   int
	errno unix.Errno
}

// Host returns a netif.Host whose requests this kernel answers, over a
// connection of its own: closing it leaves the kernel to other hosts, as
// each action of an agent opens and closes its own.
func (k *Kernel) Host() *netif.Host { return netif.NewHost(&conn{k: k}) }

// conn is one connection to the kernel, a netif.Transport.
type conn struct {
	k      *Kernel
	closed bool
}

// Close ends the connection; a later request fails with EBADF.
func (c *conn) Close() error {
	c.closed = true
	return nil
}

// Exchange answers one request.
func (c *conn) Exchange(req []byte) ([][]byte, error) {
	if c.closed {
		return nil, unix.EBADF
	}
	return c.k.exchange(req)
}

// Fail makes the nth request of type typ (RTM_*) from now on fail with
// errno, leaving the state as it is: 1 is the next one.
func (k *Kernel) Fail(typ uint16, nth int, errno unix.Errno) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.faults = append(k.faults, fault{typ: typ, nth: nth, errno: errno})
}

// Interrupt marks the next n dumps NLM_F_DUMP_INTR, as the kernel does
// when the table changes while it is read.
func (k *Kernel) Interrupt(n int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.interrupts += n
}

// Link returns the link with index, as the kernel has it now.
func (k *Kernel) Link(index int) (netif.Link, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	i := k.linkAt(index)
	if i < 0 {
		return netif.Link{}, false
	}
	return k.Links[i], true
}

var errMalformed = errors.New("netiftest: malformed request")

// exchange answers one request.
func (k *Kernel) exchange(req []byte) ([][]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(req) < unix.SizeofNlMsghdr || int(binary.NativeEndian.Uint32(req[0:4])) != len(req) {
		return nil, errMalformed
	}
	r := Request{Type: binary.NativeEndian.Uint16(req[4:6]), Flags: binary.NativeEndian.Uint16(req[6:8])}
	seq := binary.NativeEndian.Uint32(req[8:12])
	payload := req[unix.SizeofNlMsghdr:]
	k.Requests = append(k.Requests, r)
	if errno := k.injected(r.Type); errno != 0 {
		return [][]byte{errorMessage(req, seq, errno)}, nil
	}
	if r.Flags&unix.NLM_F_DUMP == unix.NLM_F_DUMP && !r.Changes() {
		msgs, err := k.dump(r.Type, payload)
		if err != nil {
			return nil, err
		}
		return k.multipart(seq, msgs), nil
	}
	reply, errno := k.do(r.Type, payload)
	switch {
	case errno != 0:
		return [][]byte{errorMessage(req, seq, errno)}, nil
	case reply != nil:
		if r.Flags&unix.NLM_F_ACK != 0 {
			return [][]byte{reply(seq), errorMessage(req, seq, 0)}, nil
		}
		return [][]byte{reply(seq)}, nil
	}
	return [][]byte{errorMessage(req, seq, 0)}, nil
}

// injected returns the errno a Fail set for this request, 0 for none.
func (k *Kernel) injected(typ uint16) unix.Errno {
	for i := range k.faults {
		f := &k.faults[i]
		if f.typ != typ || f.nth == 0 {
			continue
		}
		if f.nth--; f.nth == 0 {
			return f.errno
		}
	}
	return 0
}

// multipart frames a dump's payloads as the kernel does: NLM_F_MULTI
// messages, then NLMSG_DONE in a datagram of its own, so that netif reads
// across datagrams.
func (k *Kernel) multipart(seq uint32, msgs []typed) [][]byte {
	flags := uint16(unix.NLM_F_MULTI)
	if k.interrupts > 0 {
		k.interrupts--
		flags |= unix.NLM_F_DUMP_INTR
	}
	var first []byte
	for _, m := range msgs {
		first = append(first, frame(m.typ, flags, seq, m.payload)...)
	}
	last := frame(unix.NLMSG_DONE, flags, seq, u32(0))
	if first == nil {
		return [][]byte{last}
	}
	return [][]byte{first, last}
}

// typed is one message of a dump.
type typed struct {
	typ     uint16
	payload []byte
}

// dump answers RTM_GET* with NLM_F_DUMP.
func (k *Kernel) dump(typ uint16, p []byte) ([]typed, error) {
	var fam byte
	if len(p) > 0 {
		fam = p[0]
	}
	var out []typed
	switch typ {
	case unix.RTM_GETLINK:
		for _, l := range k.Links {
			out = append(out, typed{unix.RTM_NEWLINK, linkMessage(l)})
		}
	case unix.RTM_GETADDR:
		for _, a := range k.Addrs {
			if fam == unix.AF_UNSPEC || family(a.Prefix.Addr()) == fam {
				out = append(out, typed{unix.RTM_NEWADDR, addrMessage(a)})
			}
		}
	case unix.RTM_GETROUTE:
		for _, r := range k.Routes {
			if fam == unix.AF_UNSPEC || family(r.Dst.Addr()) == fam {
				out = append(out, typed{unix.RTM_NEWROUTE, routeMessage(r)})
			}
		}
	case unix.RTM_GETNEXTHOP:
		for _, o := range k.Nexthops {
			out = append(out, typed{unix.RTM_NEWNEXTHOP, nexthopMessage(o)})
		}
	case unix.RTM_GETADDRLABEL:
		for p, l := range k.Labels {
			out = append(out, typed{unix.RTM_NEWADDRLABEL, labelMessage(p, l)})
		}
	default:
		return nil, unix.EOPNOTSUPP
	}
	return out, nil
}

// do carries out a request that is not a dump: the reply to send (nil
// for none) or an errno.
func (k *Kernel) do(typ uint16, p []byte) (reply func(seq uint32) []byte, errno unix.Errno) {
	switch typ {
	case unix.RTM_GETLINK:
		i, errno := k.findLink(p)
		if errno != 0 {
			return nil, errno
		}
		m := linkMessage(k.Links[i])
		return func(seq uint32) []byte { return frame(unix.RTM_NEWLINK, 0, seq, m) }, 0
	case unix.RTM_NEWLINK:
		return nil, k.setLink(p)
	case unix.RTM_NEWADDR:
		return nil, k.addAddr(p)
	case unix.RTM_DELADDR:
		return nil, k.delAddr(p)
	case unix.RTM_NEWADDRLABEL:
		return nil, k.addLabel(p)
	case unix.RTM_DELADDRLABEL:
		return nil, k.delLabel(p)
	}
	return nil, unix.EOPNOTSUPP
}
