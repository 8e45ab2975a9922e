package testnet

import (
	"testing"
	"time"
)

// TestEventually runs Eventually on a fake clock that each sleep advances:
// how often cond is asked, and the answer, for conditions that hold at
// once, later, at the deadline, and never.
func TestEventually(t *testing.T) {
	for _, tc := range []struct {
		name      string
		trueFrom  int // cond is true from this call on (1-based); 0: never
		within    time.Duration
		want      bool
		wantCalls int
	}{
		{"at once", 1, time.Second, true, 1},
		{"on the third call", 3, time.Second, true, 3},
		{"on the call at the deadline", 11, time.Second, true, 11},
		{"just after the deadline", 12, time.Second, false, 11},
		{"never", 0, time.Second, false, 11},
		{"never, no time", 0, 0, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := time.Unix(0, 0)
			calls := 0
			cond := func() bool {
				calls++
				return tc.trueFrom != 0 && calls >= tc.trueFrom
			}
			got := eventually(tc.within, 100*time.Millisecond, cond,
				func() time.Time { return clock },
				func(d time.Duration) { clock = clock.Add(d) })
			if got != tc.want || calls != tc.wantCalls {
				t.Errorf("eventually = %v after %d calls, want %v after %d", got, calls, tc.want, tc.wantCalls)
			}
		})
	}
}
