package main

import (
	"errors"
	"net/netip"
	"os"
	"slices"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// routeCacheFlush is written to flush a family's routing cache
// (flush_routes).
func routeCacheFlush(ip netip.Addr) string {
	if ip.Is6() {
		return "/proc/sys/net/ipv6/route/flush"
	}
	return "/proc/sys/net/ipv4/route/flush"
}

// stop removes the VIP wherever this resource's address is configured. It
// needs only ip (ocf.Stopping: without a usable one nothing can be
// running) and must never succeed while the VIP is still there.
func stop(c *ocf.Context, h host, ip netip.Addr) error {
	rec, err := loadRecord(c, ip)
	if err != nil {
		c.Log.Warnf("reading state: %v", err)
	}
	if err := removeVIP(c, h, ip, rec); err != nil {
		return err
	}
	finishStop(c, h, ip, rec)
	removeTemps(c, ip)
	removeRecord(c, ip)
	return nil
}

// removeVIP ends the VIP's senders and removes every copy of the VIP,
// holding the announcement lock, so that no announcement can leave after
// it.
func removeVIP(c *ocf.Context, h host, ip netip.Addr, rec *record) error {
	if unlock, err := lockVIP(c, ip, true); err != nil {
		// Stop never fails for want of state: without the lock file no
		// sender can send either (see lockVIP).
		c.Log.Warnf("%v", err)
	} else {
		defer unlock()
		defer removeLock(c, ip)
	}
	stopGARP(c, ip)
	held, known, err := ours(c, h, ip, rec)
	if err != nil {
		return err
	}
	for _, a := range held {
		if !known {
			c.Log.Warnf("removing %s, which this agent has no record of adding", a.Prefix)
		}
		if err := h.DelAddr(a); err != nil {
			return ocf.Fail(ocf.ErrGeneric, "unable to remove %s: %w", a.Prefix, err)
		}
		c.Log.Infof("removed %s from interface %d", a.Prefix, a.LinkIndex)
		crashPoint("removed")
	}
	if left, _, err := ours(c, h, ip, rec); err != nil || len(left) > 0 {
		return ocf.Fail(ocf.ErrGeneric, "%s is still configured after removal", ip)
	}
	return nil
}

// ours returns this resource's copies of ip. Where start put it, as its
// record says (interface index and prefix length), whatever the
// parameters say now: the interface may have been renamed, nic or
// cidr_netmask changed. Without a record, as the parameters or the route
// place it (known is false when neither gives a prefix: any prefix then
// counts). And in every case a copy on any interface that is not a
// loopback: the node must not keep answering for the VIP once stop has
// returned, whatever put it there. Copies on loopback interfaces are an
// LVS real server's, which lvs_support keeps.
func ours(c *ocf.Context, h host, ip netip.Addr, rec *record) (held []netif.Addr, known bool, err error) {
	addrs, err := h.AddrsOf(ip)
	if err != nil {
		return nil, false, err
	}
	if rec != nil {
		held, known = netif.Holding(addrs, ip, rec.Bits, rec.Index), true
	} else if held, known, err = byParams(c, h, ip, addrs); err != nil {
		return nil, false, err
	}
	// A link-local VIP is one link's own: the same address on another
	// link is another address.
	if ip.Is6() && ip.IsLinkLocalUnicast() {
		return held, known, nil
	}
	for _, a := range netif.Holding(addrs, ip, 0, 0) {
		if slices.Contains(held, a) {
			continue
		}
		if l, err := h.LinkByIndex(a.LinkIndex); err == nil && !l.Loopback && !netif.IsLoopbackName(l.Name) {
			held = append(held, a)
		}
	}
	return held, known, nil
}

// byParams returns the copies of ip that the parameters designate. The
// prefix length is cidr_netmask, else the route's; when none is known,
// any prefix counts and known is false. With nic given, only that
// interface counts, as in monitor.
func byParams(c *ocf.Context, h host, ip netip.Addr, addrs []netif.Addr) (held []netif.Addr, known bool, err error) {
	cfg := partialConfig(c, ip)
	want := netif.Want{Bits: cfg.bits, Protocol: cfg.proto}
	if cfg.nic != "" {
		l, err := h.Link(cfg.nic)
		if errors.Is(err, netif.ErrNoLink) {
			return nil, true, nil // its addresses went with it
		}
		if err != nil {
			return nil, false, err
		}
		want.LinkIndex = l.Index
	}
	known = want.Bits != 0
	if want.Bits == 0 {
		if r, err := chooseRoute(h, ip, want); err == nil {
			want.Bits = r.Dst.Bits()
		}
	}
	held = netif.Holding(addrs, ip, want.Bits, want.LinkIndex)
	if want.Bits != 0 || want.LinkIndex != 0 {
		return held, known, nil
	}
	// Any prefix on any interface: but an LVS real server's copy on a
	// loopback is not this resource's address.
	var out []netif.Addr
	for _, a := range held {
		if l, err := h.LinkByIndex(a.LinkIndex); err != nil || !l.Loopback && !netif.IsLoopbackName(l.Name) {
			out = append(out, a)
		}
	}
	return out, known, nil
}

// finishStop undoes start's side effects beyond the address.
func finishStop(c *ocf.Context, h host, ip netip.Addr, rec *record) {
	if rec != nil {
		restoreLoopback(c, h, *rec)
		removeAddrLabel(c, h, ip, *rec)
	} else if ip.Is6() && c.Params.Bool(pLVSv6Addrlabel) {
		// No record (start was interrupted before saving it, or the
		// state directory was wiped): remove the label start would have
		// added, as resource-agents does.
		removeAddrLabel(c, h, ip, record{AddrLabel: true, LabelValue: uint32(c.Params.Int(pLVSv6AddrlabelVal))})
	}
	if c.Params.Bool(pFlushRoutes) {
		if err := os.WriteFile(routeCacheFlush(ip), []byte("1"), 0); err != nil {
			c.Log.Warnf("flush_routes: %v", err)
		}
	}
}
