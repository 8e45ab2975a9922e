package netif

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// dumpRetries bounds retries of a netlink dump the kernel interrupted
// because the table changed under it (NLM_F_DUMP_INTR): the answer would
// be inconsistent, and another agent adding a VIP in parallel makes that
// likely.
const dumpRetries = 5

// Host is the rtnetlink view of the current network namespace.
type Host struct {
	h *netlink.Handle
}

// Open opens a route netlink socket in the calling thread's namespace.
func Open() (*Host, error) {
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("opening rtnetlink: %w", err)
	}
	return &Host{h: h}, nil
}

// Close releases the socket.
func (h *Host) Close() { h.h.Close() }

func retry[T any](f func() (T, error)) (T, error) {
	var v T
	var err error
	for range dumpRetries {
		v, err = f()
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			return v, err
		}
	}
	return v, err
}

// ErrNoLink is returned when an interface does not exist.
var ErrNoLink = errors.New("no such interface")

// Link looks an interface up by name or alternative name.
func (h *Host) Link(name string) (Link, error) {
	l, err := retry(func() (netlink.Link, error) { return h.h.LinkByName(name) })
	return linkResult(l, err, name)
}

// LinkByIndex looks an interface up by index.
func (h *Host) LinkByIndex(index int) (Link, error) {
	l, err := retry(func() (netlink.Link, error) { return h.h.LinkByIndex(index) })
	return linkResult(l, err, fmt.Sprintf("interface %d", index))
}

// linkResult converts a lookup's answer, turning "no such device" into
// ErrNoLink so callers can tell a missing interface from a failure.
func linkResult(l netlink.Link, err error, what string) (Link, error) {
	if err == nil {
		return fromLink(l), nil
	}
	var nf netlink.LinkNotFoundError
	if errors.As(err, &nf) || errors.Is(err, unix.ENODEV) {
		return Link{}, fmt.Errorf("%s: %w", what, ErrNoLink)
	}
	return Link{}, fmt.Errorf("looking up %s: %w", what, err)
}

// Addrs4 returns every IPv4 address of the namespace in one dump.
func (h *Host) Addrs4() ([]Addr, error) {
	list, err := retry(func() ([]netlink.Addr, error) { return h.h.AddrList(nil, netlink.FAMILY_V4) })
	if err != nil {
		return nil, fmt.Errorf("listing addresses: %w", err)
	}
	out := make([]Addr, 0, len(list))
	for _, a := range list {
		if conv, ok := fromAddr(a); ok {
			out = append(out, conv)
		}
	}
	return out, nil
}

// Routes4 returns the IPv4 routes of all tables.
func (h *Host) Routes4() ([]Route, error) {
	filter := &netlink.Route{Table: unix.RT_TABLE_UNSPEC}
	list, err := retry(func() ([]netlink.Route, error) {
		return h.h.RouteListFiltered(netlink.FAMILY_V4, filter, netlink.RT_FILTER_TABLE)
	})
	if err != nil {
		return nil, fmt.Errorf("listing routes: %w", err)
	}
	out := make([]Route, 0, len(list))
	for _, r := range list {
		if conv, ok := fromRoute(r); ok {
			out = append(out, conv)
		}
	}
	return out, nil
}

// AddAddr adds a on link. noPrefixRoute stops the kernel from adding the
// subnet route for it. An invalid a.Broadcast means none.
func (h *Host) AddAddr(link Link, a Addr) error {
	na := toAddr(a)
	if err := h.h.AddrAdd(&netlink.Device{LinkAttrs: netlink.LinkAttrs{Index: link.Index, Name: link.Name}}, na); err != nil {
		return fmt.Errorf("adding %s to %s: %w", a.Prefix, link.Name, err)
	}
	return nil
}

// DelAddr removes a from its interface. An address already gone is not an
// error: stop must be idempotent.
func (h *Host) DelAddr(a Addr) error {
	link := &netlink.Device{LinkAttrs: netlink.LinkAttrs{Index: a.LinkIndex}}
	err := h.h.AddrDel(link, toAddr(a))
	if err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) {
		return fmt.Errorf("removing %s: %w", a.Prefix, err)
	}
	return nil
}

// SetUp sets link administratively up.
func (h *Host) SetUp(link Link) error {
	if err := h.h.LinkSetUp(&netlink.Device{LinkAttrs: netlink.LinkAttrs{Index: link.Index}}); err != nil {
		return fmt.Errorf("setting %s up: %w", link.Name, err)
	}
	return nil
}

// SetDown sets link administratively down.
func (h *Host) SetDown(link Link) error {
	if err := h.h.LinkSetDown(&netlink.Device{LinkAttrs: netlink.LinkAttrs{Index: link.Index}}); err != nil {
		return fmt.Errorf("setting %s down: %w", link.Name, err)
	}
	return nil
}

func toAddr(a Addr) *netlink.Addr {
	na := &netlink.Addr{
		IPNet:     &net.IPNet{IP: a.Prefix.Addr().AsSlice(), Mask: net.CIDRMask(a.Prefix.Bits(), a.Prefix.Addr().BitLen())},
		Label:     a.Label,
		Flags:     a.Flags,
		Broadcast: net.IPv4zero, // the library computes one when nil; zero means none
	}
	if a.Broadcast.IsValid() {
		na.Broadcast = a.Broadcast.AsSlice()
	}
	// The kernel refuses 127/8 addresses with universe scope; iproute2
	// gives them host scope (default_scope), and so do we.
	if a.Prefix.Addr().IsLoopback() {
		na.Scope = int(netlink.SCOPE_HOST)
	}
	return na
}

func fromAddr(a netlink.Addr) (Addr, bool) {
	ip, ok := netip.AddrFromSlice(a.IP)
	if !ok || a.IPNet == nil {
		return Addr{}, false
	}
	ip = ip.Unmap()
	bits, _ := a.Mask.Size()
	out := Addr{Prefix: netip.PrefixFrom(ip, bits), LinkIndex: a.LinkIndex, Label: a.Label, Flags: a.Flags}
	if b, ok := netip.AddrFromSlice(a.Broadcast); ok {
		out.Broadcast = b.Unmap()
	}
	return out, true
}

func fromRoute(r netlink.Route) (Route, bool) {
	if r.Dst == nil {
		// The default route has no destination; it never selects a VIP's
		// interface, so represent it as 0.0.0.0/0.
		r.Dst = &net.IPNet{IP: net.IPv4zero, Mask: net.CIDRMask(0, 32)}
	}
	ip, ok := netip.AddrFromSlice(r.Dst.IP)
	if !ok {
		return Route{}, false
	}
	bits, _ := r.Dst.Mask.Size()
	out := Route{
		Dst:       netip.PrefixFrom(ip.Unmap(), bits),
		LinkIndex: r.LinkIndex,
		Metric:    r.Priority,
		Table:     r.Table,
		Type:      r.Type,
		Scope:     int(r.Scope),
		Protocol:  int(r.Protocol),
		Gateway:   r.Gw != nil || len(r.MultiPath) > 0,
	}
	if s, ok := netip.AddrFromSlice(r.Src); ok {
		out.Src = s.Unmap()
	}
	return out, true
}
