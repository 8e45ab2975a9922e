package announce

import (
	"fmt"
	"testing"
	"time"
)

func TestFresh(t *testing.T) {
	const interval = 30 * time.Second
	tests := []struct {
		name      string
		last, now Mono
		want      bool
	}{
		{"never sent", 0, m0, false},
		{"just sent", m0, m0, true},
		{"one interval ago", m0, m0.Add(interval), true},
		{"two intervals ago", m0, m0.Add(2 * interval), true},
		{"more than two intervals ago", m0, m0.Add(2*interval + 1), false},
		{"a second in the future", m0.Add(time.Second), m0, false},
		{"another boot's stamp", m0.Add(100 * 24 * time.Hour), m0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fresh(tt.last, tt.now, interval); got != tt.want {
				t.Errorf("Fresh(%v, %v) = %v, want %v", tt.last, tt.now, got, tt.want)
			}
		})
	}
}

// TestAnnouncerWallClockStep: the wall clock steps back an hour, then
// forward a day; the announcer sends at the very seconds it sends with a
// steady wall clock, and the route stays fresh for monitor throughout.
func TestAnnouncerWallClockStep(t *testing.T) {
	sends := func(steps map[int]time.Duration) []int {
		a, rec, clk := setup(t, entry(1))
		var at []int
		for i := range 100 {
			clk.wall = clk.wall.Add(steps[i])
			cycle(t, a)
			if len(rec.take()) > 0 {
				at = append(at, i)
			}
			last, err := a.Registry.LastSent(entry(1).VIP)
			if err != nil || !Fresh(last, clk.Mono(), entry(1).Interval) {
				t.Fatalf("second %d (wall clock %v): last sent %v, now %v: not fresh (%v)", i, clk.wall, last, clk.Mono(), err)
			}
			clk.advance(time.Second)
		}
		return at
	}
	steady := sends(nil)
	stepped := sends(map[int]time.Duration{40: -time.Hour, 70: 24 * time.Hour})
	if len(steady) < 4 {
		t.Fatalf("sent at seconds %v: fewer than 4 sends in 100 s at a 30 s interval", steady)
	}
	if fmt.Sprint(stepped) != fmt.Sprint(steady) {
		t.Errorf("with the wall clock stepped at 40 s and 70 s, sent at seconds %v; with a steady one at %v", stepped, steady)
	}
}

// TestAnnouncerFutureStamps: stamps from the future (a registry kept
// across a reboot, or garbage) neither silence the route nor keep it at
// the takeover metric.
func TestAnnouncerFutureStamps(t *testing.T) {
	e := entry(1)
	e.TakeoverUntil = m0.Add(30 * 24 * time.Hour)
	a, rec, _ := setup(t, e)
	unlock, _ := a.Registry.Lock()
	if err := a.Registry.MarkSent(e.VIP, m0.Add(30*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	unlock()
	cycle(t, a)
	got := rec.take()
	if len(got) != 1 {
		t.Fatalf("%d datagrams, want the route sent at once", len(got))
	}
	if m := metrics(got)[e.VIP]; m != e.Metric {
		t.Errorf("metric %d, want the steady %d: a window ending in 30 days is not this boot's", m, e.Metric)
	}
}
