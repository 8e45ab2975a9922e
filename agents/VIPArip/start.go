package main

import (
	"net/netip"

	"github.com/ocfnet/ocfnet/pkg/announce"
	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"github.com/ocfnet/ocfnet/pkg/rip"
)

// start holds the VIP, announces it at once with the takeover metric,
// registers it with the node's announcer and makes sure that one runs.
// The VIP's lock keeps a stop of the same VIP out from holding to
// registering. Any failure undoes what it did.
func start(c *ocf.Context, h host, cfg config) error {
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
			return err
		}
	}
	reg, err := registry(c)
	if err != nil {
		return err
	}
	lock, err := reg.LockVIP(cfg.ip)
	if err != nil {
		return err
	}
	undone := false
	defer func() {
		if undone {
			lock.Remove()
		} else {
			lock.Release()
		}
	}()
	added, err := holdVIP(h, cfg.ip, vipLink)
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "adding %s to %s: %w", cfg.ip, vipLink.Name, err)
	}
	tr := announce.NewTransport()
	err = register(reg, tr.Send, cfg, p, executorOwner(c))
	tr.Close()
	if err != nil {
		if added {
			_ = h.DelAddr(netif.Addr{Prefix: vipPrefix(cfg.ip), LinkIndex: vipLink.Index})
		}
		return err
	}
	if err := ensureAnnouncer(c, reg); err != nil {
		// Announced once but never refreshed, the route would expire at
		// the routers: undo everything (poison, remove the VIP).
		if serr := withdraw(c, h, reg, cfg.ip); serr != nil {
			c.Log.Errorf("undoing the start: %v", serr)
		}
		undone = true
		return ocf.Fail(ocf.ErrGeneric, "the RIP announcer did not start: %w", err)
	}
	c.Log.Infof("%s held on %s, announced on %s from %s to %v", cfg.ip, vipLink.Name, p.link.Name, p.source, p.destinations)
	return nil
}

// vipPrefix is the VIP as a host route: /32, or /128 for IPv6.
func vipPrefix(ip netip.Addr) netip.Prefix { return netip.PrefixFrom(ip, ip.BitLen()) }

// holdVIP adds the VIP as a host address to link unless it is there;
// added reports a change.
func holdVIP(h host, ip netip.Addr, link netif.Link) (added bool, err error) {
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

// register puts the route in the registry with a new takeover window and
// sends the triggered update (RFC 2453 §3.10.1) with the takeover metric
// before returning. Always, also over a registration that a killed start
// or a crashed node left (its window long over, its last send up to an
// interval old): a start is a full start, so the routers learn the route
// at once and prefer it to a crashed owner's.
func register(reg announce.Registry, send announce.SendFunc, cfg config, p placement, owner *announce.Owner) error {
	unlock, err := reg.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	now := clock.Mono()
	e := entry(cfg, p, now)
	e.Owner = owner // owner.go: withdrawn if the cluster stack dies
	if err := reg.Put(e); err != nil {
		return ocf.Fail(ocf.ErrGeneric, "registering %s: %w", cfg.ip, err)
	}
	b := announce.Batch{Entry: e, Routes: []rip.Route{e.Route(e.MetricAt(now))}}
	if err := announce.SendBatch(reg, send, b, clock.Now()); err != nil {
		_ = reg.Delete(cfg.ip)
		return ocf.Fail(ocf.ErrGeneric, "announcing %s: %w", cfg.ip, err)
	}
	if err := reg.MarkSent(cfg.ip, now); err != nil {
		// A failed start leaves no registration behind (start removes
		// the VIP; Pacemaker's stop poisons what was sent).
		_ = reg.Delete(cfg.ip)
		return ocf.Fail(ocf.ErrGeneric, "registering %s: %w", cfg.ip, err)
	}
	return nil
}

// validateAll checks the parameters and, unless OCF_CHECK_LEVEL is 0
// (ocf.Validating), that this node can announce: interface, source and
// key file.
func validateAll(c *ocf.Context, h host, cfg config) error {
	if _, err := place(c, h, cfg); err != nil {
		return placeError(cfg, err)
	}
	return nil
}
