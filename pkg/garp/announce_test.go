package garp

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mdlayher/arp"
)

func TestAnnounce(t *testing.T) {
	tests := []struct {
		name      string
		count     int
		stopAfter int // before() fails on this call (0: never)
		wantPairs int
	}{
		{"one pair", 1, 0, 1},
		{"five pairs", 5, 0, 5},
		{"stopped when the address goes", 5, 3, 2},
		{"zero", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r recorder
			calls := 0
			gone := errors.New("gone")
			before := func() error {
				calls++
				if calls == tt.stopAfter {
					return gone
				}
				return nil
			}
			const interval = 20 * time.Millisecond
			err := Announce(context.Background(), &r, testMAC, testIP, tt.count, interval, before)
			if tt.stopAfter > 0 && !errors.Is(err, gone) {
				t.Errorf("error %v, want the before() error", err)
			}
			if tt.stopAfter == 0 && err != nil {
				t.Fatal(err)
			}
			if len(r.sent) != 2*tt.wantPairs {
				t.Fatalf("%d packets, want %d", len(r.sent), 2*tt.wantPairs)
			}
			for i, s := range r.sent {
				wantOp := arp.OperationRequest
				if i%2 == 1 {
					wantOp = arp.OperationReply
				}
				if s.p.Operation != wantOp || s.p.SenderIP != testIP || s.to.String() != Broadcast.String() {
					t.Errorf("packet %d: op %v sender %v to %v", i, s.p.Operation, s.p.SenderIP, s.to)
				}
				if i > 0 {
					// request→reply and reply→next request are both half
					// an interval apart; never less (timers do not fire
					// early), sometimes more on a loaded machine.
					if gap := s.at.Sub(r.sent[i-1].at); gap < interval/2-time.Millisecond {
						t.Errorf("packet %d only %v after the previous", i, gap)
					}
				}
			}
		})
	}
}

func TestAnnounceCancelled(t *testing.T) {
	var r recorder
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(30 * time.Millisecond)
		cancel()
	}()
	err := Announce(ctx, &r, testMAC, testIP, 100, 20*time.Millisecond, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if len(r.sent) == 0 || len(r.sent) >= 200 {
		t.Errorf("%d packets sent before cancel", len(r.sent))
	}
}
