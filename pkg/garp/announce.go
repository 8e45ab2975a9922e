package garp

import (
	"context"
	"net"
	"net/netip"
	"time"

	"github.com/mdlayher/arp"
)

// Writer sends one ARP packet to an Ethernet destination. *Conn and
// *arp.Client satisfy it; tests use a recorder.
type Writer interface {
	WriteTo(p *arp.Packet, addr net.HardwareAddr) error
}

// Pair sends one announcement as resource-agents' libnet send_arp does: a
// gratuitous request, then gap later a gratuitous reply, both broadcast.
func Pair(ctx context.Context, w Writer, hw net.HardwareAddr, ip netip.Addr, gap time.Duration) error {
	return pair(ctx, realClock{}, w, hw, ip, gap)
}

func pair(ctx context.Context, clk clock, w Writer, hw net.HardwareAddr, ip netip.Addr, gap time.Duration) error {
	req, err := Request(hw, ip)
	if err != nil {
		return err
	}
	rep, err := Reply(hw, ip)
	if err != nil {
		return err
	}
	if err := w.WriteTo(req, Broadcast); err != nil {
		return err
	}
	if err := clk.Sleep(ctx, gap); err != nil {
		return err
	}
	return w.WriteTo(rep, Broadcast)
}

// Announce sends count pairs, one every interval: the request of pair k at
// k×interval, its reply half an interval later, nothing after the last
// reply. before, if not nil, runs before each pair; an error from it stops
// the announcements (the caller checks the address is still configured).
func Announce(ctx context.Context, w Writer, hw net.HardwareAddr, ip netip.Addr, count int, interval time.Duration, before func() error) error {
	return announce(ctx, realClock{}, w, hw, ip, count, interval, before)
}

func announce(ctx context.Context, clk clock, w Writer, hw net.HardwareAddr, ip netip.Addr, count int, interval time.Duration, before func() error) error {
	return repeat(ctx, clk, count, interval, before, func() error { return pair(ctx, clk, w, hw, ip, interval/2) })
}

// repeat runs send count times, one every interval from now (not from
// the end of the previous send, so the rhythm does not drift), running
// before, if not nil, ahead of each; an error from either ends it. Send k
// starts at k×interval when the previous ones took less than an interval,
// at once when they overran it (the late send is not skipped), and never
// earlier than scheduled.
func repeat(ctx context.Context, clk clock, count int, interval time.Duration, before, send func() error) error {
	next := clk.Now()
	for k := range count {
		if k > 0 {
			next = next.Add(interval)
			if err := clk.Sleep(ctx, next.Sub(clk.Now())); err != nil {
				return err
			}
		}
		if before != nil {
			if err := before(); err != nil {
				return err
			}
		}
		if err := send(); err != nil {
			return err
		}
	}
	return nil
}
