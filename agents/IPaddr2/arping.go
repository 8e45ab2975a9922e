package main

import (
	"time"

	"github.com/ocfnet/ocfnet/pkg/garp"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// Duplicate address probe for run_arping. resource-agents runs
// "arping -D -c 2 -w 3" (about 2 s); two RFC 5227 probes 100 ms apart and
// 200 ms of listening find any host on the LAN that answers ARP at all,
// for a tenth of the delay.
const (
	probeCount = 2
	probeGap   = 100 * time.Millisecond
	probeWait  = 200 * time.Millisecond
)

// probeDuplicate fails start when another host already uses the VIP.
func probeDuplicate(c *ocf.Context, cfg config, t target) error {
	if !t.link.AdminUp {
		c.Log.Warnf("run_arping: %s is down, cannot probe for %s", t.link.Name, cfg.ip)
		return nil
	}
	conn, err := garp.Dial(t.link.Name)
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "run_arping on %s: %v", t.link.Name, err)
	}
	defer conn.Close()
	mac, err := garp.Probe(c, conn, cfg.ip, probeCount, probeGap, probeWait)
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "run_arping on %s: %v", t.link.Name, err)
	}
	if mac != nil {
		return ocf.Fail(ocf.ErrGeneric, "IPv4 address collision %s [DAD]: in use by %s", cfg.ip, mac)
	}
	return nil
}
