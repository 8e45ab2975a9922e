package main

import (
	"net/netip"
	"strings"

	"github.com/ocfnet/ocfnet/pkg/announce"
	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// monitor reports running when the VIP is held, registered, the node's
// announcer is alive (not a zombie) and this route left the node less
// than two intervals ago; not running when nothing of the resource is on
// the node: neither the VIP nor anything in the registry. Anything in
// between is a failure (1), also for a probe: a killed start or stop left
// it, and Pacemaker must run stop, which removes it all, rather than
// believe the resource stopped.
func monitor(c *ocf.Context, h host, ip netip.Addr) error {
	addrs, err := h.AddrsOf(ip)
	if err != nil {
		return err
	}
	held := len(netif.Holding(addrs, ip, ip.BitLen(), 0)) > 0
	reg, err := foundRegistry(c)
	var left []string
	switch {
	case absent(err):
	case err != nil:
		return err
	default:
		left = reg.Files(ip)
	}
	switch {
	case !held && len(left) == 0:
		return ocf.NotRunning.Err()
	case !held:
		return ocf.Fail(ocf.ErrGeneric, "%s is not held on this node but still registered (%s)", ip, strings.Join(left, " "))
	}
	e, err := reg.Get(ip)
	switch {
	case err != nil:
		return err
	case e == nil:
		return ocf.Fail(ocf.ErrGeneric, "%s is held on this node but not announced", ip)
	}
	if err := checkAnnouncingLink(h, e.IfIndex, e.Interface); err != nil {
		return err
	}
	if announcerPid(reg) == 0 {
		return ocf.Fail(ocf.ErrGeneric, "the RIP announcer of this node is not running")
	}
	last, err := reg.LastSent(ip)
	if now := clock.Mono(); err != nil || !announce.Fresh(last, now, e.Interval) {
		return ocf.Fail(ocf.ErrGeneric, "%s was not announced in the last %v (interval %v)", ip, 2*e.Interval, e.Interval)
	}
	adopt(c, reg, e) // owner.go
	return nil
}

// vipParam is the first step of stop and monitor: the ip to look for;
// missing, wrong everywhere (6), invalid, a plain error that each action
// answers in its own way (ocf.Stopping, ocf.Monitoring).
func vipParam(c *ocf.Context) (netip.Addr, error) {
	if c.Params.Get(pIP) == "" {
		return netip.Addr{}, ocf.Fail(ocf.ErrConfigured, "%w", errNoIP)
	}
	return parseIP(c.Params)
}
