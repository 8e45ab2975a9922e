package main

import (
	"errors"
	"net/netip"
	"time"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"golang.org/x/sys/unix"
)

// loopbackHostBits is the prefix of an LVS real server's VIP on lo.
const loopbackHostBits = 32

// start puts the VIP where cfg and the routing table place it, unless it
// is there already.
func start(c *ocf.Context, h host, cfg config) error {
	addrs, err := h.AddrsOf(cfg.ip)
	if err != nil {
		return err
	}
	t, err := resolve(h, cfg, addrs)
	if err != nil {
		// A nic missing here is 5 on start: the resource may run elsewhere.
		return resolveError(cfg, err, ocf.ErrInstalled)
	}
	if held := netif.Holding(addrs, cfg.ip, t.prefix.Bits(), t.link.Index); len(held) > 0 {
		return alreadyStarted(c, cfg, t, held[0])
	}
	return add(c, h, cfg, t, addrs)
}

// alreadyStarted keeps start idempotent: no second add and no ARP, but a
// VIP lacking its label is not what was asked for.
func alreadyStarted(c *ocf.Context, cfg config, t target, held netif.Addr) error {
	if t.label != "" && held.Label != t.label {
		return ocf.Fail(ocf.ErrGeneric, "%s is already on %s without label %s", t.prefix, t.link.Name, t.label)
	}
	c.Log.Infof("%s is already on %s", t.prefix, t.link.Name)
	old, _ := loadRecord(c, cfg.ip)
	if old == nil || old.Index != t.link.Index || old.Bits != t.prefix.Bits() {
		rec := record{NIC: t.link.Name, Index: t.link.Index, Bits: t.prefix.Bits(), Label: t.label}
		return saveRecord(c, cfg.ip, rec.inherit(old))
	}
	return nil
}

// add puts the VIP on the interface and announces it. The record of what
// it is about to do is saved before the host is touched, so a start
// killed at any instant leaves stop all it needs; every failure after a
// change undoes it, so a failed start leaves the host as it was.
func add(c *ocf.Context, h host, cfg config, t target, addrs []netif.Addr) error {
	if cfg.runARPing && cfg.ip.Is4() && !t.link.Loopback {
		if err := probeDuplicate(c, cfg, t); err != nil {
			return err
		}
	}
	rec := record{NIC: t.link.Name, Index: t.link.Index, Bits: t.prefix.Bits(), Label: t.label, BroughtUp: !t.link.AdminUp}
	var copies []netif.Addr
	if cfg.lvs {
		copies = loopbackCopies(h, cfg.ip, addrs)
		for _, a := range copies {
			rec.Loopback, rec.LoopIndex = append(rec.Loopback, a.Prefix), a.LinkIndex
		}
	}
	if cfg.addrLabel {
		rec.AddrLabel, rec.LabelValue = true, cfg.labelValue
	}
	old, err := loadRecord(c, cfg.ip)
	if err != nil {
		c.Log.Warnf("reading state: %v", err)
	}
	rec = rec.inherit(old)
	if err := saveRecord(c, cfg.ip, rec); err != nil {
		return err
	}
	crashPoint("recorded")
	a := vipAddr(cfg, t)
	broughtUp := false
	undo := func() {
		_ = h.DelAddr(a)
		restoreLoopback(c, h, rec)
		if broughtUp {
			_ = h.SetDown(t.link)
		}
		removeAddrLabel(c, h, cfg.ip, rec)
		removeRecord(c, cfg.ip)
	}
	for _, lc := range copies {
		if err := h.DelAddr(lc); err != nil {
			undo()
			return ocf.Fail(ocf.ErrGeneric, "lvs_support: %w", err)
		}
		crashPoint("loopback-removed")
	}
	// The label goes first, so the VIP is never a source address, not
	// even for a moment.
	if cfg.addrLabel {
		if err := h.AddAddrLabel(netip.PrefixFrom(cfg.ip, ipv6Bits), cfg.labelValue); err != nil {
			undo()
			return ocf.Fail(ocf.ErrGeneric, "lvs_ipv6_addrlabel: %w", err)
		}
		crashPoint("labelled")
	}
	// Subscribing before the address exists means the end of duplicate
	// address detection cannot be missed.
	var ev *netif.AddrEvents
	if dadRuns(cfg) {
		if ev, err = netif.SubscribeAddrs(cfg.ip); err != nil {
			undo()
			return err
		}
		defer ev.Close()
	}
	if err := h.AddAddr(t.link, a); err != nil {
		restoreLoopback(c, h, rec)
		removeAddrLabel(c, h, cfg.ip, rec)
		removeRecord(c, cfg.ip)
		return ocf.Fail(ocf.ErrGeneric, "failed to add IP: %w", err)
	}
	crashPoint("added")
	if !t.link.AdminUp {
		if err := h.SetUp(t.link); err != nil {
			undo()
			return ocf.Fail(ocf.ErrGeneric, "failed to add IP: %w", err)
		}
		broughtUp = true
	} else if cfg.checkLink && t.link.OperDown {
		undo()
		return ocf.Fail(ocf.ErrGeneric, "%s has no carrier: not adding %s", t.link.Name, t.prefix)
	}
	if ev != nil {
		if err := awaitDAD(c, h, ev, t); err != nil {
			undo()
			return err
		}
	}
	c.Log.Infof("added %s to %s", t.prefix, t.link.Name)
	announce(c, cfg, t)
	crashPoint("announced")
	return nil
}

// vipAddr is the address start adds.
func vipAddr(cfg config, t target) netif.Addr {
	a := netif.Addr{Prefix: t.prefix, LinkIndex: t.link.Index, Label: t.label, Broadcast: t.broadcast}
	if cfg.noPrefix {
		a.Flags |= netif.FlagNoPrefixRoute
	}
	if cfg.ip.Is6() {
		if cfg.noDAD {
			a.Flags |= netif.FlagNoDAD
		}
		a.Preferred = cfg.preferred
	}
	return a
}

// dadRuns reports whether the kernel runs duplicate address detection on
// the VIP: IPv6, unless nodad is set. (A link with accept_dad=0 skips it
// too; the wait then ends at the first look.)
func dadRuns(cfg config) bool { return cfg.ip.Is6() && !cfg.noDAD }

// awaitDAD waits for the kernel's verdict on the VIP, bounded by the
// operation's timeout.
func awaitDAD(c *ocf.Context, h host, ev *netif.AddrEvents, t target) error {
	deadline, ok := c.Deadline()
	if !ok {
		deadline = time.Now().Add(dadWaitDefault)
	}
	began := time.Now()
	err := h.AwaitDAD(ev, t.prefix, t.link.Index, deadline)
	switch {
	case errors.Is(err, netif.ErrDADFailed):
		return ocf.Fail(ocf.ErrGeneric, "IPv6 address collision %s [DAD]: another node on %s uses it", t.prefix.Addr(), t.link.Name)
	case err != nil:
		return ocf.Fail(ocf.ErrGeneric, "%s on %s: %w", t.prefix, t.link.Name, err)
	}
	c.Log.Debugf("duplicate address detection of %s took %v", t.prefix, time.Since(began).Round(time.Millisecond))
	return nil
}

// dadWaitDefault bounds the wait when the action has no deadline (a hand
// run without CRM_meta_timeout): Linux's detection takes one second by
// default (one probe, RetransTimer 1 s, RFC 4862 §5.1).
const dadWaitDefault = 20 * time.Second

// removeAddrLabel undoes lvs_ipv6_addrlabel.
func removeAddrLabel(c *ocf.Context, h host, ip netip.Addr, rec record) {
	if !rec.AddrLabel {
		return
	}
	if err := h.DelAddrLabel(netip.PrefixFrom(ip, ipv6Bits), rec.LabelValue); err != nil {
		c.Log.Warnf("lvs_ipv6_addrlabel: %v", err)
	}
}

// loopbackCopies returns the VIP's /32 copies on loopback interfaces
// (LVS direct routing real servers keep one there while the VIP is
// elsewhere), which start removes and stop puts back.
func loopbackCopies(h host, ip netip.Addr, addrs []netif.Addr) []netif.Addr {
	var out []netif.Addr
	for _, a := range netif.Holding(addrs, ip, loopbackHostBits, 0) {
		if l, err := h.LinkByIndex(a.LinkIndex); err == nil && netif.IsLoopbackName(l.Name) {
			out = append(out, a)
		}
	}
	return out
}

// restoreLoopback puts back the copies the record says start removed. It
// is idempotent: a copy already there (start was killed before removing
// it, or a previous stop restored it) is left as it is.
func restoreLoopback(c *ocf.Context, h host, r record) {
	for _, p := range r.Loopback {
		l, err := h.LinkByIndex(r.LoopIndex)
		if err == nil {
			err = h.AddAddr(l, netif.Addr{Prefix: p, LinkIndex: l.Index})
		}
		if err != nil && !errors.Is(err, unix.EEXIST) {
			c.Log.Warnf("lvs_support: restoring %s on loopback: %v", p, err)
		}
	}
}
