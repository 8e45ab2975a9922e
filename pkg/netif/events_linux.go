package netif

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// AddrEvents is a subscription to one family's address changes
// (RTNLGRP_IPV4_IFADDR or RTNLGRP_IPV6_IFADDR). Subscribing before adding
// an address means no change to it can be missed: the kernel reports the
// end of duplicate address detection as a new RTM_NEWADDR, so start waits
// exactly as long as DAD takes instead of polling.
type AddrEvents struct {
	s *socket
}

// SubscribeAddrs subscribes to address changes of ip's family in the
// calling thread's namespace.
func SubscribeAddrs(ip netip.Addr) (*AddrEvents, error) {
	group := uint32(unix.RTNLGRP_IPV4_IFADDR)
	if ip.Is6() {
		group = unix.RTNLGRP_IPV6_IFADDR
	}
	s, err := dial(1 << (group - 1))
	if err != nil {
		return nil, fmt.Errorf("subscribing to address changes: %w", err)
	}
	return &AddrEvents{s: s}, nil
}

// Close ends the subscription.
func (e *AddrEvents) Close() { _ = e.s.Close() }

// errEventsLost is the kernel dropping notifications for a full socket
// (ENOBUFS): the caller must read the state again.
var errEventsLost = errors.New("address notifications lost")

// AddrEvent is one notification: an address added or changed, or removed.
type AddrEvent struct {
	Addr
	Removed bool
}

// Next waits until deadline for the next datagram of notifications; at
// the deadline it returns an error satisfying errors.Is(err, unix.EAGAIN).
func (e *AddrEvents) Next(deadline time.Time) ([]AddrEvent, error) {
	left := time.Until(deadline)
	if left <= 0 {
		return nil, unix.EAGAIN
	}
	tv := unix.NsecToTimeval(left.Nanoseconds())
	if err := unix.SetsockoptTimeval(e.s.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return nil, err
	}
	n, _, err := unix.Recvfrom(e.s.fd, e.s.buf, 0)
	if errors.Is(err, unix.ENOBUFS) {
		return nil, errEventsLost
	}
	if err != nil {
		return nil, err
	}
	msgs, err := parseMessages(e.s.buf[:n])
	if err != nil {
		return nil, err
	}
	var out []AddrEvent
	for _, m := range msgs {
		if m.typ != unix.RTM_NEWADDR && m.typ != unix.RTM_DELADDR {
			continue
		}
		if a, ok := decodeAddr(m.data); ok {
			out = append(out, AddrEvent{Addr: a, Removed: m.typ == unix.RTM_DELADDR})
		}
	}
	return out, nil
}

// Errors of AwaitDAD.
var (
	ErrDADFailed  = errors.New("duplicate address detection failed: another node uses the address")
	ErrDADTimeout = errors.New("duplicate address detection did not finish")
	ErrAddrGone   = errors.New("the address disappeared during duplicate address detection")
)

// AwaitDAD waits until duplicate address detection of p on linkIndex
// ends (RFC 4862 §5.4): nil when the address is usable, ErrDADFailed on a
// collision, ErrDADTimeout at deadline. ev must have been subscribed
// before the address was added.
func (h *Host) AwaitDAD(ev *AddrEvents, p netip.Prefix, linkIndex int, deadline time.Time) error {
	began := time.Now()
	for {
		a, err := h.current(p, linkIndex)
		if err != nil {
			return err
		}
		for {
			if a == nil {
				return ErrAddrGone
			}
			if done, err := dadState(*a); done {
				return err
			}
			changed, err := ev.Next(deadline)
			if errors.Is(err, errEventsLost) {
				break // read the state again
			}
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EWOULDBLOCK) {
				return fmt.Errorf("%w within %v", ErrDADTimeout, time.Since(began).Round(time.Millisecond))
			}
			if err != nil {
				return fmt.Errorf("reading address changes: %w", err)
			}
			for _, c := range changed {
				if c.Prefix == p && c.LinkIndex == linkIndex {
					a = &c.Addr
					if c.Removed {
						a = nil
					}
				}
			}
		}
	}
}

// dadState reports whether a's detection has ended, and how.
func dadState(a Addr) (done bool, err error) {
	switch {
	case a.Flags&FlagDADFailed != 0:
		return true, ErrDADFailed
	case a.Flags&FlagTentative != 0:
		return false, nil
	}
	return true, nil
}

// current returns p on linkIndex as configured now, nil if it is not.
func (h *Host) current(p netip.Prefix, linkIndex int) (*Addr, error) {
	addrs, err := h.AddrsOf(p.Addr())
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if a.Prefix == p && a.LinkIndex == linkIndex {
			return &a, nil
		}
	}
	return nil, nil
}
