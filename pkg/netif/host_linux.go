package netif

import (
	"errors"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// dumpRetries bounds retries of a netlink dump the kernel interrupted
// because the table changed under it (NLM_F_DUMP_INTR): the answer would
// be inconsistent, and another agent adding a VIP in parallel makes that
// likely.
const dumpRetries = 5

// Host is the rtnetlink view of the network namespace of the thread that
// opened it, or of the kernel behind its Transport.
type Host struct {
	c *conn
}

// Open opens a route netlink socket in the calling thread's namespace.
func Open() (*Host, error) {
	s, err := dial(0)
	if err != nil {
		return nil, err
	}
	return NewHost(s), nil
}

// NewHost returns a Host whose requests go through t: a fake kernel in
// tests (package netiftest).
func NewHost(t Transport) *Host { return &Host{c: &conn{t: t}} }

// Close releases the socket.
func (h *Host) Close() { h.c.close() }

// dumpAll runs a dump, again while the kernel reports it interrupted, and
// decodes each message with decode, keeping those it accepts.
func dumpAll[T any](h *Host, typ uint16, payload []byte, decode func([]byte) (T, bool)) ([]T, error) {
	var msgs []message
	var err error
	for range dumpRetries {
		msgs, err = h.c.dump(typ, payload)
		if !errors.Is(err, errDumpInterrupted) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(msgs))
	for _, m := range msgs {
		if v, ok := decode(m.data); ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// Link looks an interface up by name or alternative name (ip link
// property add dev X altname Y): the kernel keeps both in one name table.
func (h *Host) Link(name string) (Link, error) { return h.link(0, name, name) }

// LinkByIndex looks an interface up by index.
func (h *Host) LinkByIndex(index int) (Link, error) {
	return h.link(index, "", fmt.Sprintf("interface %d", index))
}

func (h *Host) link(index int, name, what string) (Link, error) {
	m, err := h.c.request(unix.RTM_GETLINK, 0, encodeLinkQuery(index, name))
	if errors.Is(err, unix.ENODEV) {
		return Link{}, fmt.Errorf("%s: %w", what, ErrNoLink)
	}
	if err != nil {
		return Link{}, fmt.Errorf("looking up %s: %w", what, err)
	}
	l, ok := decodeLink(m.data)
	if !ok {
		return Link{}, fmt.Errorf("looking up %s: malformed answer", what)
	}
	return l, nil
}

// AddrsOf returns every address of ip's family in one dump.
func (h *Host) AddrsOf(ip netip.Addr) ([]Addr, error) { return h.addrs(familyOf(ip)) }

func (h *Host) addrs(family byte) ([]Addr, error) {
	req := make([]byte, ifaddrmsgLen)
	req[0] = family
	out, err := dumpAll(h, unix.RTM_GETADDR, req, decodeAddr)
	if err != nil {
		return nil, fmt.Errorf("listing addresses: %w", err)
	}
	return out, nil
}

// RoutesOf returns the routes of ip's family in all tables.
func (h *Host) RoutesOf(ip netip.Addr) ([]Route, error) { return h.routes(familyOf(ip)) }

func (h *Host) routes(family byte) ([]Route, error) {
	out, err := dumpAll(h, unix.RTM_GETROUTE, encodeRouteDump(family), decodeRoute)
	if err != nil {
		return nil, fmt.Errorf("listing routes: %w", err)
	}
	return out, nil
}

// AddAddr adds a on link. noPrefixRoute stops the kernel from adding the
// subnet route for it. An invalid a.Broadcast means none.
func (h *Host) AddAddr(link Link, a Addr) error {
	_, err := h.c.request(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK, encodeAddr(a, link.Index))
	if err != nil {
		return fmt.Errorf("adding %s to %s: %w", a.Prefix, link.Name, err)
	}
	return nil
}

// DelAddr removes a from its interface. An address already gone is not an
// error: stop must be idempotent.
func (h *Host) DelAddr(a Addr) error {
	_, err := h.c.request(unix.RTM_DELADDR, unix.NLM_F_ACK, encodeAddr(Addr{Prefix: a.Prefix}, a.LinkIndex))
	if err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) {
		return fmt.Errorf("removing %s: %w", a.Prefix, err)
	}
	return nil
}

// SetUp sets link administratively up.
func (h *Host) SetUp(link Link) error {
	if _, err := h.c.request(unix.RTM_NEWLINK, unix.NLM_F_ACK, encodeLinkFlags(link.Index, true)); err != nil {
		return fmt.Errorf("setting %s up: %w", link.Name, err)
	}
	return nil
}

// SetDown sets link administratively down.
func (h *Host) SetDown(link Link) error {
	if _, err := h.c.request(unix.RTM_NEWLINK, unix.NLM_F_ACK, encodeLinkFlags(link.Index, false)); err != nil {
		return fmt.Errorf("setting %s down: %w", link.Name, err)
	}
	return nil
}
