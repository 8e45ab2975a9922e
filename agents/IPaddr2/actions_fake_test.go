package main

import (
	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// The action bodies the fake tests run: start's, stop's and monitor's
// after their privilege check and netif.Open, with the host given. Once
// the actions take their host from the runtime, these are start, stop
// and check themselves.

// startOn is start's body after its privilege check and netif.Open, with
// the host given.
func startOn(c *ocf.Context, h *netif.Host) error {
	cfg, err := parseConfig(c)
	if err != nil {
		return err
	}
	addrs, err := h.AddrsOf(cfg.ip)
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	t, err := resolve(h, cfg, addrs)
	if err != nil {
		return resolveError(cfg, err, ocf.ErrInstalled)
	}
	if held := netif.Holding(addrs, cfg.ip, t.prefix.Bits(), t.link.Index); len(held) > 0 {
		return alreadyStarted(c, cfg, t, held[0])
	}
	return add(c, h, cfg, t, addrs)
}

// stopOn is stop's body after its privilege check and netif.Open.
func stopOn(c *ocf.Context, h *netif.Host) error {
	ip, err := parseIP(c.Params)
	if err != nil {
		return nil
	}
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

// checkOn is monitor's check after netif.Open.
func checkOn(c *ocf.Context, h *netif.Host) error {
	ip, err := parseIP(c.Params)
	if err != nil {
		return notFound(c, err)
	}
	rec, _ := loadRecord(c, ip)
	held, err := locate(c, h, ip, rec)
	if err != nil {
		return notFound(c, err)
	}
	if len(held) == 0 {
		if c.Probe() {
			if part := leftover(c, h, ip, rec); part != "" {
				return ocf.Fail(ocf.ErrGeneric, "partly started: %s", part)
			}
		}
		return ocf.NotRunning.Err()
	}
	return checkHeld(c, h, held[0])
}
