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
// again), poisons it so routers drop it at once, then removes the VIP.
func stop(c *ocf.Context) error {
	ip, err := parseIP(c.Params)
	if err != nil {
		c.Log.Infof("stop: %v: nothing can be running", err)
		return nil
	}
	if geteuid() != 0 {
		return ocf.Fail(ocf.ErrPerm, "stop needs root privileges")
	}
	reg, err := registry(c)
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	e, err := unregister(reg, c, ip)
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "unregistering %s: %v", ip, err)
	}
	if n := c.Params.Int(pPoisonCount); e != nil && n > 0 {
		tr := announce.NewTransport()
		err := announce.Poison(reg, tr.Send, *e, n, poisonGap, time.Now)
		tr.Close()
		if err != nil {
			c.Log.Warnf("poisoning %s: %v", ip, err)
		}
	}
	return dropVIP(c, ip)
}

// unregister removes ip from the registry and returns what it was, or, if
// it was not registered (state lost), the entry the parameters describe,
// so the route is poisoned all the same.
func unregister(reg announce.Registry, c *ocf.Context, ip netip.Addr) (*announce.Entry, error) {
	unlock, err := reg.Lock()
	if err != nil {
		return nil, err
	}
	e, err := reg.Get(ip)
	if err != nil {
		c.Log.Warnf("reading the registration of %s: %v", ip, err)
	}
	if err := reg.Delete(ip); err != nil {
		unlock()
		return nil, err
	}
	unlock()
	if e != nil {
		return e, nil
	}
	return fromParams(c), nil
}

// fromParams builds the entry the parameters describe on this node, or
// nil when they cannot (bad parameters, nothing to announce from).
func fromParams(c *ocf.Context) *announce.Entry {
	cfg, err := parseConfig(c)
	if err != nil {
		return nil
	}
	h, err := netif.Open()
	if err != nil {
		return nil
	}
	defer h.Close()
	p, err := place(c, h, cfg)
	if err != nil {
		return nil
	}
	e := entry(cfg, p, time.Now())
	return &e
}

// dropVIP removes the VIP host address from every interface and checks
// it is gone: stop never succeeds while the VIP is still held.
func dropVIP(c *ocf.Context, ip netip.Addr) error {
	h, err := netif.Open()
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	defer h.Close()
	for range 2 {
		addrs, err := h.AddrsOf(ip)
		if err != nil {
			return ocf.Fail(ocf.ErrGeneric, "%v", err)
		}
		held := netif.Holding(addrs, ip, ip.BitLen(), 0)
		if len(held) == 0 {
			return nil
		}
		for _, a := range held {
			if err := h.DelAddr(a); err != nil {
				return ocf.Fail(ocf.ErrGeneric, "removing %s: %v", a.Prefix, err)
			}
		}
	}
	return ocf.Fail(ocf.ErrGeneric, "%s is still configured after removal", ip)
}
