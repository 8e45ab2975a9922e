package main

import (
	"errors"
	"net/netip"
	"os"

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
// needs only ip: stop must succeed when nothing can be running, even with
// bad parameters, and must never succeed while the VIP is still there.
func stop(c *ocf.Context) error {
	stopGARP(c, c.Params.Get(pIP))
	ip, err := parseIP(c.Params)
	if err != nil {
		c.Log.Infof("stop: %v: nothing can be running", err)
		return nil
	}
	if geteuid() != 0 {
		return ocf.Fail(ocf.ErrPerm, "stop needs root privileges")
	}
	h, err := netif.Open()
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	defer h.Close()
	rec, err := loadRecord(c, ip)
	if err != nil {
		c.Log.Warnf("reading state: %v", err)
	}
	held, known, err := configured(c, h, ip, rec)
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	for _, a := range held {
		if !known {
			c.Log.Warnf("removing %s, which this agent has no record of adding", a.Prefix)
		}
		if err := h.DelAddr(a); err != nil {
			return ocf.Fail(ocf.ErrGeneric, "unable to remove %s: %v", a.Prefix, err)
		}
		c.Log.Infof("removed %s from interface %d", a.Prefix, a.LinkIndex)
	}
	if left, _, err := configured(c, h, ip, rec); err != nil || len(left) > 0 {
		return ocf.Fail(ocf.ErrGeneric, "%s is still configured after removal", ip)
	}
	finishStop(c, h, ip, rec)
	removeRecord(c, ip)
	return nil
}

// configured returns this resource's copies of ip. The prefix length is
// cidr_netmask, else what start recorded, else the route's; when none is
// known, any prefix counts and known is false. With nic given, only that
// interface counts, as in monitor.
func configured(c *ocf.Context, h *netif.Host, ip netip.Addr, rec *record) (held []netif.Addr, known bool, err error) {
	addrs, err := h.AddrsOf(ip)
	if err != nil {
		return nil, false, err
	}
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
	known = want.Bits != 0 || rec != nil
	if want.Bits == 0 && rec != nil {
		want.Bits = rec.Bits
	}
	if want.Bits == 0 {
		if r, err := chooseRoute(h, ip, want); err == nil {
			want.Bits = r.Dst.Bits()
		}
	}
	return netif.Holding(addrs, ip, want.Bits, want.LinkIndex), known, nil
}

// finishStop undoes start's side effects beyond the address.
func finishStop(c *ocf.Context, h *netif.Host, ip netip.Addr, rec *record) {
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
