package main

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/pkg/announce"
	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/rip"
)

// fakeClock is an injected announce.Clock.
type fakeClock struct {
	wall time.Time
	mono announce.Mono
}

func (c *fakeClock) Now() time.Time      { return c.wall }
func (c *fakeClock) Mono() announce.Mono { return c.mono }

// TestRegisterIsAFullStart: start over a registration that a killed start
// or a crashed node left, its window over and its route refreshed a
// moment ago, sends the triggered update with the takeover metric at once
// and opens a new takeover window, as on a clean node.
func TestRegisterIsAFullStart(t *testing.T) {
	clk := &fakeClock{time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC), announce.Mono(time.Hour)}
	defer func(c announce.Clock) { clock = c }(clock)
	clock = clk
	cfg := config{
		ip: netip.MustParseAddr("192.168.13.229"), version: 2, metric: 2, takeoverMetric: 1,
		takeoverTime: 5 * time.Second, interval: 30 * time.Second,
	}
	p := placement{
		link:         netif.Link{Name: "eth0", Index: 2},
		source:       netip.MustParseAddr("192.168.10.221"),
		destinations: []netip.Addr{ripv2Group},
	}
	tests := []struct {
		name  string
		left  func(reg announce.Registry) error // what an earlier instance left
		since time.Duration                     // how long ago it started
	}{
		{"clean node", func(announce.Registry) error { return nil }, 0},
		{"registration of a killed start", func(reg announce.Registry) error {
			return reg.Put(entry(cfg, p, clk.mono.Add(-time.Minute)))
		}, time.Minute},
		{"registration refreshed by the announcer", func(reg announce.Registry) error {
			if err := reg.Put(entry(cfg, p, clk.mono.Add(-time.Minute))); err != nil {
				return err
			}
			return reg.MarkSent(cfg.ip, clk.mono.Add(-time.Second))
		}, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := announce.Registry{Dir: t.TempDir()}
			if err := tt.left(reg); err != nil {
				t.Fatal(err)
			}
			var sent []uint32
			send := func(_ announce.Entry, _ netip.Addr, payload []byte) error {
				m, err := rip.Parse(payload)
				if err != nil {
					return err
				}
				for _, r := range m.Routes {
					sent = append(sent, r.Metric)
				}
				return nil
			}
			if err := register(reg, send, cfg, p, nil); err != nil {
				t.Fatal(err)
			}
			if len(sent) != 1 || sent[0] != cfg.takeoverMetric {
				t.Errorf("start sent metrics %v, want one triggered update with the takeover metric %d", sent, cfg.takeoverMetric)
			}
			e, err := reg.Get(cfg.ip)
			if err != nil || e == nil {
				t.Fatalf("not registered: %v", err)
			}
			if want := clk.mono.Add(cfg.takeoverTime); e.TakeoverUntil != want {
				t.Errorf("takeover window ends at %v, want %v (a new one)", e.TakeoverUntil, want)
			}
			if last, _ := reg.LastSent(cfg.ip); last != clk.mono {
				t.Errorf("last sent at %v, want now %v", last, clk.mono)
			}
		})
	}
}
