package announce

import (
	"time"

	"golang.org/x/sys/unix"
)

// Mono is an instant on the node's boot clock (CLOCK_BOOTTIME): the time
// since the node booted. Schedules and ages are kept on it, not on the
// wall clock: a wall-clock step (NTP, an operator's date) moves neither,
// and every process on the node reads the same clock, so the agent and the
// announcer compare the stamps they leave in the registry. The registry
// lives under /run, which a boot clears together with the clock.
type Mono time.Duration

// Add returns m+d.
func (m Mono) Add(d time.Duration) Mono { return m + Mono(d) }

// Sub returns m-o.
func (m Mono) Sub(o Mono) time.Duration { return time.Duration(m - o) }

// Before reports whether m is earlier than o.
func (m Mono) Before(o Mono) bool { return m < o }

// Clock tells the two times the announcements need.
type Clock interface {
	// Now is the wall clock, only for authentication sequence numbers:
	// routers compare them across the node's reboots.
	Now() time.Time
	// Mono is the boot clock, for everything scheduled or aged.
	Mono() Mono
}

// SystemClock is the node's clocks.
type SystemClock struct{}

// Now returns the wall-clock time.
func (SystemClock) Now() time.Time { return time.Now() }

// Mono returns CLOCK_BOOTTIME, which, unlike CLOCK_MONOTONIC, keeps
// counting while the node is suspended, as the routers' timers do.
func (SystemClock) Mono() Mono {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		// Cannot happen on Linux ≥ 2.6.39; a zero reading would make
		// every stamp "from the future", hence stale, never fresh.
		return 0
	}
	return Mono(ts.Nano())
}

// Fresh reports whether a route last sent at last, an interval apart,
// still counts as announced at now: sent at most two intervals ago. A
// stamp from the future (another boot's, or garbage) is never fresh.
func Fresh(last, now Mono, interval time.Duration) bool {
	return last > 0 && !now.Before(last) && now.Sub(last) <= 2*interval
}
