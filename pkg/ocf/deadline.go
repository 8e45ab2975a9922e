package ocf

import (
	"context"
	"sync"
	"time"
)

// deadline is an action's context: its deadline is known at once, its
// timer armed only when something waits for it (Done or Err).
// context.WithDeadline arms a runtime timer at once, and the process's
// first timer starts the runtime's network poller (an epoll instance, an
// eventfd, a thread waiting in them): a recurring monitor, which waits
// for nothing, would pay for all of it every few seconds.
type deadline struct {
	at     time.Time
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
}

func newDeadline(at time.Time) *deadline { return &deadline{at: at} }

func (d *deadline) arm() context.Context {
	d.once.Do(func() { d.ctx, d.cancel = context.WithDeadline(context.Background(), d.at) })
	return d.ctx
}

// Deadline reports the deadline without arming anything.
func (d *deadline) Deadline() (time.Time, bool) { return d.at, true }

// Done returns a channel closed at the deadline or by stop.
func (d *deadline) Done() <-chan struct{} { return d.arm().Done() }

// Err is context.DeadlineExceeded past the deadline, context.Canceled
// after stop, nil before.
func (d *deadline) Err() error { return d.arm().Err() }

// Value carries nothing: an action's context has no values.
func (d *deadline) Value(any) any { return nil }

// stop ends the context and releases its timer, if one was armed; if
// none was, it arms none.
func (d *deadline) stop() {
	d.once.Do(func() { d.ctx, d.cancel = context.WithCancel(context.Background()) })
	d.cancel()
}
