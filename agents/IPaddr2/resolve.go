package main

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/ocfnet/ocfnet/pkg/netif"
)

// target is where the VIP goes: resource-agents' findif, from netlink.
type target struct {
	link      netif.Link
	prefix    netip.Prefix // the VIP with its prefix length
	broadcast netip.Addr   // invalid: none
	label     string
}

// errNoRoute means no route chooses an interface or netmask for the VIP.
var errNoRoute = errors.New("unable to find nic or netmask")

// resolve chooses the interface, prefix, broadcast and label for cfg,
// given the host's addresses (one dump, shared with the caller). The
// errors are netif.ErrNoLink (nic missing on this node), errNoRoute and
// errLabel; the callers map them to each action's exit code.
func resolve(h host, cfg config, addrs []netif.Addr) (target, error) {
	var t target
	want := netif.Want{Bits: cfg.bits, Protocol: cfg.proto}
	if cfg.nic != "" {
		l, err := h.Link(cfg.nic)
		if err != nil {
			return t, err
		}
		t.link, want.LinkIndex = l, l.Index
	}
	bits := cfg.bits
	var err error
	if cfg.nic == "" || bits == 0 {
		r, err := chooseRoute(h, cfg.ip, want)
		if err != nil {
			return t, err
		}
		if bits == 0 {
			bits = r.Dst.Bits()
		}
		if cfg.nic == "" {
			if t.link, err = h.LinkByIndex(r.LinkIndex); err != nil {
				return t, err
			}
		}
	}
	t.prefix = netip.PrefixFrom(cfg.ip, bits)
	if cfg.iflabel != "" {
		t.label = t.link.Name + ":" + cfg.iflabel
		if len(t.label) > ifnameMax {
			return t, fmt.Errorf("%w: %s is longer than %d characters", errLabel, t.label, ifnameMax)
		}
	}
	t.broadcast, err = broadcastFor(addrs, cfg.broadcast, t.prefix, t.link.Index)
	return t, err
}

// errLabel is a label too long for the interface chosen on this node.
var errLabel = errors.New("label too long")

func chooseRoute(h host, ip netip.Addr, want netif.Want) (netif.Route, error) {
	routes, err := h.RoutesOf(ip)
	if err != nil {
		return netif.Route{}, err
	}
	if r, ok := netif.Select(routes, ip, want); ok {
		return r, nil
	}
	if ip.IsLoopback() {
		if r, ok := netif.SelectLocal(routes, ip, want); ok {
			return r, nil
		}
	}
	return netif.Route{}, fmt.Errorf("%w for %s", errNoRoute, ip)
}

// broadcastFor applies the broadcast parameter: an address as given, "+"
// all host bits set, "-" none set, empty the base address's or computed.
func broadcastFor(addrs []netif.Addr, param string, p netip.Prefix, linkIndex int) (netip.Addr, error) {
	if p.Addr().Is6() {
		return netip.Addr{}, nil
	}
	switch param {
	case "+":
		return netif.Broadcast(p), nil
	case "-":
		if p.Bits() >= 31 {
			return netip.Addr{}, nil
		}
		return p.Masked().Addr(), nil
	case "":
		return netif.BaseBroadcast(addrs, p, linkIndex), nil
	}
	return parseBroadcast(param)
}
