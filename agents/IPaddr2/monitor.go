package main

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// monitor reports whether the VIP is configured with its exact prefix on
// the interface that holds it (nic when given), labelled as asked, on a
// link that is up when check_link_status is set. It forks nothing: one
// address dump, one link lookup.
func monitor(c *ocf.Context, h host, ip netip.Addr) error {
	err := check(c, h, ip)
	if err == nil && intOrZero(c.Params, pARPCountRefresh) > 0 {
		refreshGARP(c, h)
	}
	return err
}

// vipParam is the first step of stop, monitor and status: the ip to
// look for. Missing, it is wrong everywhere (6); invalid, it is a plain
// error: resource-agents validates parameters on start and validate-all
// only, and an address that cannot be configured is not running here.
func vipParam(c *ocf.Context) (netip.Addr, error) {
	if c.Params.Get(pIP) == "" {
		return netip.Addr{}, ocf.Fail(ocf.ErrConfigured, "%w", errNoIP)
	}
	return parseIP(c.Params)
}

// status is the legacy alias of monitor that also prints the state,
// whichever step answers. It is never a probe.
func status(c *ocf.Context) (func(*ocf.Context) error, error) {
	then, err := ocf.Monitoring(vipParam, ocf.OnHost(check))(c)
	if err != nil {
		printState(c, err)
		return nil, err
	}
	return func(c *ocf.Context) error {
		err := then(c)
		printState(c, err)
		return err
	}, nil
}

func printState(c *ocf.Context, err error) {
	if ocf.CodeOf(err) == ocf.Success {
		fmt.Fprintln(c.Stdout, "running")
	} else {
		fmt.Fprintln(c.Stdout, "stopped")
	}
}

func check(c *ocf.Context, h host, ip netip.Addr) error {
	rec, _ := loadRecord(c, ip)
	held, err := locate(c, h, ip, rec)
	if err != nil {
		return c.NotRunningIfProbe(err)
	}
	if len(held) == 0 {
		// A probe's 7 tells Pacemaker there is nothing to stop here; what
		// is left must be answered 1, so that Pacemaker runs stop, which
		// removes or restores all of it. A recurring monitor's 7 makes
		// Pacemaker run stop anyway (as resource-agents answers).
		if c.Probe() {
			if part := leftover(c, h, ip, rec); part != "" {
				return ocf.Fail(ocf.ErrGeneric, "partly started: %s", part)
			}
		}
		return ocf.NotRunning.Err()
	}
	return checkHeld(c, h, held[0])
}

// leftover describes what of the resource is on the node although the VIP
// is not where it should be, "" when nothing is: a start or stop killed
// half way leaves the LVS copies removed from loopback, an address label,
// or the VIP on another interface than recorded.
func leftover(c *ocf.Context, h host, ip netip.Addr, rec *record) string {
	addrs, err := h.AddrsOf(ip)
	if err != nil {
		return err.Error()
	}
	if rec != nil {
		if stray, _, err := ours(c, h, ip, rec); err == nil && len(stray) > 0 {
			return fmt.Sprintf("%s is on interface %d, not where start put it", stray[0].Prefix, stray[0].LinkIndex)
		}
		for _, p := range rec.Loopback {
			if len(netif.Holding(addrs, p.Addr(), p.Bits(), rec.LoopIndex)) == 0 {
				return fmt.Sprintf("the LVS copy %s is missing from loopback", p)
			}
		}
	}
	labelled := rec != nil && rec.AddrLabel
	if rec == nil && ip.Is6() && boolOrFalse(c.Params, pLVSv6Addrlabel) {
		labelled = true
	}
	if labelled {
		if labels, err := h.AddrLabels(); err == nil {
			if _, ok := labels[netip.PrefixFrom(ip, ipv6Bits)]; ok {
				return fmt.Sprintf("the address label of %s is left", ip)
			}
		}
	}
	return ""
}

// locate finds this resource's copy of ip: where start's record says it
// put it, whatever the parameters say now; without a record, like stop's
// byParams, but a prefix that cannot be determined is an error, not "any".
func locate(c *ocf.Context, h host, ip netip.Addr, rec *record) ([]netif.Addr, error) {
	if rec != nil {
		addrs, err := h.AddrsOf(ip)
		if err != nil {
			return nil, err
		}
		return netif.Holding(addrs, ip, rec.Bits, rec.Index), nil
	}
	cfg, _ := readConfig(c) // the fields that parsed
	want := netif.Want{Bits: cfg.bits, Protocol: cfg.proto}
	if cfg.nic != "" {
		l, err := h.Link(cfg.nic)
		if errors.Is(err, netif.ErrNoLink) && want.Bits != 0 {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		want.LinkIndex = l.Index
	}
	if want.Bits == 0 {
		r, err := chooseRoute(h, ip, want)
		if err != nil {
			return nil, err
		}
		want.Bits = r.Dst.Bits()
	}
	addrs, err := h.AddrsOf(ip)
	if err != nil {
		return nil, err
	}
	return netif.Holding(addrs, ip, want.Bits, want.LinkIndex), nil
}

func checkHeld(c *ocf.Context, h host, a netif.Addr) error {
	link, err := h.LinkByIndex(a.LinkIndex)
	if err != nil {
		return err
	}
	if _, label := splitNIC(c.Params.Get(pNIC), c.Params.Get(pIflabel)); label != "" {
		if want := link.Name + ":" + label; a.Label != want {
			return ocf.Fail(ocf.ErrGeneric, "%s on %s lacks label %s", a.Prefix, link.Name, want)
		}
	}
	// Until duplicate address detection ends the kernel neither uses nor
	// answers for the address: not running yet. A failed detection means
	// another node has it.
	switch {
	case a.Flags&netif.FlagDADFailed != 0:
		return ocf.Fail(ocf.ErrGeneric, "IPv6 address collision %s [DAD]: another node on %s uses it", a.Prefix.Addr(), link.Name)
	case a.Flags&netif.FlagTentative != 0 && c.Probe():
		// Configured, so not stopped: a probe's 7 would leave it here
		// (a start killed during detection), to become usable later
		// while Pacemaker starts the VIP elsewhere. 1 makes it run stop.
		return ocf.Fail(ocf.ErrGeneric, "partly started: %s on %s is tentative", a.Prefix, link.Name)
	case a.Flags&netif.FlagTentative != 0:
		c.Log.Infof("%s on %s is tentative: duplicate address detection has not ended", a.Prefix, link.Name)
		return ocf.NotRunning.Err()
	}
	if boolOrFalse(c.Params, pCheckLinkStatus) && (link.OperDown || !link.AdminUp) {
		c.Log.Warnf("%s is on %s, which is down", a.Prefix, link.Name)
		return ocf.NotRunning.Err()
	}
	return nil
}
