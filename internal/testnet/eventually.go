package testnet

import "time"

// Eventually calls cond every interval until it returns true, and reports
// whether it did before within had passed. cond runs once more when the
// time is up, so a slow check that ends past the deadline still counts. It
// replaces the tests' hand-rolled deadline loops; the caller says what
// failed, with what it knows.
func Eventually(within, every time.Duration, cond func() bool) bool {
	return eventually(within, every, cond, time.Now, time.Sleep)
}

// eventually is Eventually with the clock and the sleep injected.
func eventually(within, every time.Duration, cond func() bool, now func() time.Time, sleep func(time.Duration)) bool {
	deadline := now().Add(within)
	for {
		if cond() {
			return true
		}
		if !now().Before(deadline) {
			return false
		}
		sleep(every)
	}
}
