package garp

import (
	"context"
	"time"
)

// clock is the time source of the schedules in this package (announcement
// rhythm, probe gaps). Production code uses realClock; tests inject a
// virtual one so that they check the exact schedule instead of measuring
// how promptly a loaded machine wakes a sleeping goroutine.
type clock interface {
	Now() time.Time
	// Sleep waits d, or until ctx is done (then it returns ctx's error).
	// A d of zero or less returns at once, with ctx's error if any.
	Sleep(ctx context.Context, d time.Duration) error
}

// realClock is the system clock. time.Now carries a monotonic reading, so
// the schedule computed from it is immune to wall-clock steps.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
