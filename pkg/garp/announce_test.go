package garp

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mdlayher/arp"
)

// pairsAt returns the instants of n pairs on an undisturbed schedule:
// request k at k×interval, its reply half an interval later.
func pairsAt(n int, interval time.Duration) []time.Duration {
	var at []time.Duration
	for k := range n {
		at = append(at, time.Duration(k)*interval, time.Duration(k)*interval+interval/2)
	}
	return at
}

// TestAnnounce checks the exact schedule on a virtual clock: which packets,
// in which order, at which instant relative to the start.
func TestAnnounce(t *testing.T) {
	const interval = 20 * time.Millisecond
	ms := time.Millisecond
	tests := []struct {
		name      string
		count     int
		writeTook time.Duration // how long each write takes
		stopAfter int           // before() fails on this call (0: never)
		wantCalls int           // of before()
		wantAt    []time.Duration
	}{
		{"one pair", 1, 0, 0, 1, pairsAt(1, interval)},
		{"five pairs", 5, 0, 0, 5, pairsAt(5, interval)},
		{"stopped when the address goes", 5, 0, 3, 3, pairsAt(2, interval)},
		{"zero", 0, 0, 0, 0, nil},
		// Drift-free: the requests stay on k×interval although every
		// write takes 3 ms; the reply is half an interval after the end
		// of its request's write.
		{"slow writes keep the rhythm", 3, 3 * ms, 0, 3, []time.Duration{0, 13 * ms, 20 * ms, 33 * ms, 40 * ms, 53 * ms}},
		// A pair that overruns its interval is followed at once by the
		// next one: late, never skipped, never early.
		{"overrun sends the next at once", 3, 15 * ms, 0, 3, []time.Duration{0, 25 * ms, 40 * ms, 65 * ms, 80 * ms, 105 * ms}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			start := clk.Now()
			r := recorder{clock: clk, takes: tt.writeTook}
			calls := 0
			gone := errors.New("gone")
			before := func() error {
				calls++
				if calls == tt.stopAfter {
					return gone
				}
				return nil
			}
			err := announce(context.Background(), clk, &r, testMAC, testIP, tt.count, interval, before)
			if tt.stopAfter > 0 && !errors.Is(err, gone) {
				t.Errorf("error %v, want the before() error", err)
			}
			if tt.stopAfter == 0 && err != nil {
				t.Fatal(err)
			}
			if calls != tt.wantCalls {
				t.Errorf("before() ran %d times, want %d", calls, tt.wantCalls)
			}
			if len(r.sent) != len(tt.wantAt) {
				t.Fatalf("%d packets, want %d", len(r.sent), len(tt.wantAt))
			}
			for i, s := range r.sent {
				wantOp := arp.OperationRequest
				if i%2 == 1 {
					wantOp = arp.OperationReply
				}
				if s.p.Operation != wantOp || s.p.SenderIP != testIP || s.to.String() != Broadcast.String() {
					t.Errorf("packet %d: op %v sender %v to %v", i, s.p.Operation, s.p.SenderIP, s.to)
				}
				if at := s.at.Sub(start); at != tt.wantAt[i] {
					t.Errorf("packet %d sent at %v, want %v", i, at, tt.wantAt[i])
				}
			}
		})
	}
}

// TestAnnounceCancelled cancels the context right after the third packet
// (the second pair's request): its reply and everything after are not
// sent, and the context's error comes back.
func TestAnnounceCancelled(t *testing.T) {
	clk := newFakeClock()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := recorder{clock: clk, after: func(n int) {
		if n == 3 {
			cancel()
		}
	}}
	err := announce(ctx, clk, &r, testMAC, testIP, 100, 20*time.Millisecond, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if len(r.sent) != 3 {
		t.Errorf("%d packets sent, want the 3 before the cancel", len(r.sent))
	}
}
