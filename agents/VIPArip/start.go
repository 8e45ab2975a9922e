package main

import (
	"net/netip"
	"time"

	"github.com/ocfnet/ocfnet/pkg/announce"
	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"github.com/ocfnet/ocfnet/pkg/rip"
)

// start holds the VIP, announces it at once with the takeover metric,
// registers it with the node's announcer and makes sure that one runs.
// Any failure undoes what it did.
func start(c *ocf.Context) error {
	cfg, err := parseConfig(c)
	if err != nil {
		return err
	}
	if geteuid() != 0 {
		return ocf.Fail(ocf.ErrPerm, "start needs root privileges")
	}
	h, err := netif.Open()
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	defer h.Close()
	p, err := place(c, h, cfg)
	if err != nil {
		return placeError(cfg, err)
	}
	if err := checkCarrier(p.link); err != nil {
		return err
	}
	vipLink := p.link
	if !cfg.onNIC {
		if vipLink, err = h.Link("lo"); err != nil {
			return ocf.Fail(ocf.ErrGeneric, "%v", err)
		}
	}
	added, err := holdVIP(h, cfg.ip, vipLink)
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "adding %s to %s: %v", cfg.ip, vipLink.Name, err)
	}
	if err := register(c, cfg, p); err != nil {
		if added {
			_ = h.DelAddr(netif.Addr{Prefix: vipPrefix(cfg.ip), LinkIndex: vipLink.Index})
		}
		return err
	}
	if err := ensureAnnouncer(c); err != nil {
		// Announced once but never refreshed, the route would expire at
		// the routers: undo everything (stop poisons and removes the VIP).
		if serr := stop(c); serr != nil {
			c.Log.Errorf("undoing the start: %v", serr)
		}
		return ocf.Fail(ocf.ErrGeneric, "the RIP announcer did not start: %v", err)
	}
	c.Log.Infof("%s held on %s, announced on %s from %s to %v", cfg.ip, vipLink.Name, p.link.Name, p.source, p.destinations)
	return nil
}

// vipPrefix is the VIP as a host route: /32, or /128 for IPv6.
func vipPrefix(ip netip.Addr) netip.Prefix { return netip.PrefixFrom(ip, ip.BitLen()) }

// holdVIP adds the VIP as a host address to link unless it is there;
// added reports a change.
func holdVIP(h *netif.Host, ip netip.Addr, link netif.Link) (added bool, err error) {
	addrs, err := h.AddrsOf(ip)
	if err != nil {
		return false, err
	}
	if len(netif.Holding(addrs, ip, ip.BitLen(), link.Index)) > 0 {
		return false, nil
	}
	a := netif.Addr{Prefix: vipPrefix(ip), LinkIndex: link.Index}
	if ip.Is6() {
		// The VIP lives on no link's prefix: it is reached through the
		// routers, so neighbours cannot hold a duplicate and duplicate
		// address detection would only keep it unusable for a second.
		a.Flags |= netif.FlagNoDAD
	}
	return true, h.AddAddr(link, a)
}

// register puts the route in the registry and, if it is new, sends the
// triggered update (RFC 2453 §3.10.1) with the takeover metric before
// returning. A start of a running resource keeps its takeover window.
func register(c *ocf.Context, cfg config, p placement) error {
	reg, err := registry(c)
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	unlock, err := reg.Lock()
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	defer unlock()
	now := time.Now()
	e := entry(cfg, p, now)
	e.Owner = executorOwner(c) // owner.go: withdrawn if the cluster stack dies
	old, _ := reg.Get(cfg.ip)
	if old != nil {
		e.TakeoverUntil = old.TakeoverUntil
	}
	if err := reg.Put(e); err != nil {
		return ocf.Fail(ocf.ErrGeneric, "registering %s: %v", cfg.ip, err)
	}
	if old != nil {
		return nil
	}
	tr := announce.NewTransport()
	defer tr.Close()
	b := announce.Batch{Entry: e, Routes: []rip.Route{e.Route(e.MetricAt(now))}}
	if err := announce.SendBatch(reg, tr.Send, b, now); err != nil {
		_ = reg.Delete(cfg.ip)
		return ocf.Fail(ocf.ErrGeneric, "announcing %s: %v", cfg.ip, err)
	}
	return reg.MarkSent(cfg.ip, now)
}

// validateAll checks the parameters and, unless OCF_CHECK_LEVEL is 0,
// that this node can announce: interface, source and key file.
func validateAll(c *ocf.Context) error {
	cfg, err := parseConfig(c)
	if err != nil || c.Env.Get("OCF_CHECK_LEVEL") == "0" {
		return err
	}
	h, err := netif.Open()
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	defer h.Close()
	if _, err := place(c, h, cfg); err != nil {
		return placeError(cfg, err)
	}
	return nil
}
