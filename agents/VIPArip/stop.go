package main

import (
	"net/netip"
	"time"

	"github.com/ocfnet/ocfnet/pkg/announce"
	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// poisonGap spaces the poison announcements. They are repeated against
// loss, but close together: FRR ripd withdraws the kernel route only about
// 10 ms after the last of a series of poisons for a prefix (measured with
// FRR 8.4: 3 poisons 20 ms apart, route gone 47 ms after stop began; 1 ms
// apart, 15 ms, the same as one hand-sent poison plus the agent's start-up).
const poisonGap = time.Millisecond

// stop unregisters the route (after which the announcer can never send it
// again), removes the VIP and poisons the route so routers drop it at
// once. It needs to write nothing: with a registry it cannot use (absent,
// unsafe, read-only, HA_RSCTMP not a directory) it still removes the VIP
// and poisons the route the parameters describe.
//
// Without a usable ip nothing can be running (ocf.Stopping).
func stop(c *ocf.Context, h host, ip netip.Addr) error {
	reg, err := foundRegistry(c)
	switch {
	case absent(err):
		reg = announce.Registry{}
	case err != nil:
		c.Log.Warnf("%v: not used; withdrawing the route the parameters describe", err)
		reg = announce.Registry{}
	default:
		// Without the lock (it cannot be created), the order of the
		// steps still keeps a concurrent start from being undone halfway.
		if lock, err := reg.LockVIP(ip); err != nil {
			c.Log.Warnf("locking %s: %v", ip, err)
		} else {
			defer lock.Remove()
		}
	}
	return withdraw(c, h, reg, ip)
}

// withdraw unregisters ip from reg (none: the zero Registry), removes the
// VIP, then poisons the route: after the VIP is gone, so that even when
// unregistering failed, the announcer, which never announces a VIP this
// node does not hold, cannot follow the poison with a refresh. It fails
// only while the VIP is still held.
func withdraw(c *ocf.Context, h host, reg announce.Registry, ip netip.Addr) error {
	e := unregister(c, reg, ip)
	dropErr := dropVIP(h, ip)
	if e == nil {
		e = fromParams(c, h)
	}
	if n := c.Params.Int(pPoisonCount); e != nil && n > 0 {
		tr := announce.NewTransport()
		err := announce.Poison(reg, tr.Send, *e, n, poisonGap, clock.Now)
		tr.Close()
		if err != nil {
			c.Log.Warnf("poisoning %s: %v", ip, err)
		}
	}
	return dropErr
}

// unregister removes ip from the registry and returns what it was, or nil
// when it cannot tell (nothing registered, an unusable entry, no
// registry). Failures are logged, not returned: the announcer drops an
// entry whose VIP is gone by itself.
func unregister(c *ocf.Context, reg announce.Registry, ip netip.Addr) *announce.Entry {
	if reg.Dir == "" {
		return nil
	}
	unlock, err := reg.Lock()
	if err != nil {
		c.Log.Warnf("locking the registry: %v", err)
		unlock = func() {}
	}
	defer unlock()
	e, err := reg.Get(ip)
	if err != nil {
		c.Log.Warnf("%v: withdrawing the route the parameters describe", err)
	}
	if err := reg.Delete(ip); err != nil {
		c.Log.Warnf("unregistering %s: %v: the announcer withdraws it once the VIP is gone", ip, err)
	}
	return e
}

// fromParams builds the entry the parameters describe on this node, or
// nil when they cannot (bad parameters, nothing to announce from).
func fromParams(c *ocf.Context, h host) *announce.Entry {
	cfg, err := parseConfig(c)
	if err != nil {
		return nil
	}
	p, err := place(c, h, cfg)
	if err != nil {
		return nil
	}
	e := entry(cfg, p, clock.Mono())
	return &e
}

// dropVIP removes the VIP host address from every interface and checks
// it is gone: stop never succeeds while the VIP is still held.
func dropVIP(h host, ip netip.Addr) error {
	for range 2 {
		addrs, err := h.AddrsOf(ip)
		if err != nil {
			return err
		}
		held := netif.Holding(addrs, ip, ip.BitLen(), 0)
		if len(held) == 0 {
			return nil
		}
		for _, a := range held {
			if err := h.DelAddr(a); err != nil {
				return ocf.Fail(ocf.ErrGeneric, "removing %s: %w", a.Prefix, err)
			}
		}
	}
	return ocf.Fail(ocf.ErrGeneric, "%s is still configured after removal", ip)
}
