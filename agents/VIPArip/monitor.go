package main

import (
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
func monitor(c *ocf.Context) error {
	if c.Params.Get(pIP) == "" {
		return ocf.Fail(ocf.ErrConfigured, "%v", errNoIP)
	}
	ip, err := parseIP(c.Params)
	if err != nil {
		return notHere(c, err)
	}
	h, err := netif.Open()
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	defer h.Close()
	addrs, err := h.AddrsOf(ip)
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	held := len(netif.Holding(addrs, ip, ip.BitLen(), 0)) > 0
	reg, err := foundRegistry(c)
	var left []string
	switch {
	case absent(err):
	case err != nil:
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
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
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
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

// notHere: a probe says not running; a recurring monitor reports the
// error.
func notHere(c *ocf.Context, err error) error {
	if c.Probe() {
		c.Log.Infof("%v: not running", err)
		return ocf.NotRunning.Err()
	}
	return ocf.Fail(ocf.ErrGeneric, "%v", err)
}
