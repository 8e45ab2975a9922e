package main

import (
	"errors"
	"time"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// monitor reports running when the VIP is held, registered, the node's
// announcer is alive (not a zombie) and this route left the node less
// than two intervals ago.
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
	if len(netif.Holding(addrs, ip, ip.BitLen(), 0)) == 0 {
		return ocf.NotRunning.Err()
	}
	reg, err := registry(c)
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	e, err := reg.Get(ip)
	if err != nil || e == nil {
		return notHere(c, errNotAnnounced)
	}
	if err := checkAnnouncingLink(h, e.IfIndex, e.Interface); err != nil {
		return err
	}
	if announcerPid(reg) == 0 {
		return ocf.Fail(ocf.ErrGeneric, "the RIP announcer of this node is not running")
	}
	last, err := reg.LastSent(ip)
	if age := time.Since(last); err != nil || age > 2*e.Interval {
		return ocf.Fail(ocf.ErrGeneric, "%s was last announced %v ago (interval %v)", ip, age.Round(time.Second), e.Interval)
	}
	adopt(c, reg, e) // owner.go
	return nil
}

var errNotAnnounced = errors.New("the VIP is held but not announced")

// notHere: a probe says not running; a recurring monitor reports the
// error.
func notHere(c *ocf.Context, err error) error {
	if c.Probe() {
		c.Log.Infof("%v: not running", err)
		return ocf.NotRunning.Err()
	}
	return ocf.Fail(ocf.ErrGeneric, "%v", err)
}
