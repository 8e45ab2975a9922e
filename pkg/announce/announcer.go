package announce

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/ocfnet/ocfnet/pkg/rip"
)

// Timing of the announcer.
const (
	// maxSleep bounds how long the announcer sleeps, so that it notices
	// new entries and the end of takeover windows within a second.
	maxSleep = time.Second
	// gather sends entries due within this window together, so that
	// VIPs started at nearly the same time share datagrams.
	gather = time.Second
)

// SendFunc sends one datagram for entry e to dst.
type SendFunc func(e Entry, dst netip.Addr, payload []byte) error

// Announcer refreshes every registered route every interval. One runs per
// node; it exits when the registry is empty.
type Announcer struct {
	Registry Registry
	Send     SendFunc
	Clock    Clock
	// Jitter returns the offset added to a period: RFC 2453 §3.8 requires
	// periodic updates to be offset by a small random time, so routers do
	// not synchronise. seed identifies the period (route and last send):
	// the offset is drawn once per period, not at every cycle, which
	// would bias sends towards the earliest draw.
	Jitter func(interval time.Duration, seed uint64) time.Duration
	Logf   func(format string, args ...any)
	// OnEmpty runs, with the registry lock held, when a cycle finds no
	// route left. The announcer process gives up its single-instance lock
	// there: a start registering a route after that sees no announcer and
	// starts one, and one registering before it is seen by this cycle.
	OnEmpty func()
	// Held returns the VIPs (host addresses on any interface) this node
	// holds; entries of others are withdrawn (see dropUnheld). nil: no
	// check.
	Held func() (map[netip.Addr]bool, error)
	// Owners, if set, withdraws the routes whose Pacemaker executor is
	// gone (owner.go).
	Owners *OwnerWatch

	garbage   map[string]Mono     // unusable entry files: when first seen, -1 once handled
	withdrawn map[netip.Addr]Mono // unheld entries that could not be unregistered: when last poisoned
}

// DefaultJitter is up to ±1/6 of the interval (±5 s for 30 s, as in
// RFC 2453), pseudo-random per period.
func DefaultJitter(interval time.Duration, seed uint64) time.Duration {
	span := int64(interval / 3)
	if span <= 0 {
		return 0
	}
	r := rand.New(rand.NewPCG(seed, jitterStream))
	return time.Duration(r.Int64N(span) - span/2)
}

// jitterStream is DefaultJitter's PCG stream; any constant will do.
const jitterStream = 0x6f63666e6574

// Run cycles until the registry is empty or ctx ends.
func (a *Announcer) Run(ctx context.Context) error {
	for {
		next, remaining, err := a.Cycle()
		if err != nil && a.Logf != nil {
			a.Logf("announce: %v", err)
		}
		if remaining == 0 && err == nil {
			return nil
		}
		wait := min(max(next.Sub(a.Clock.Mono()), 0), maxSleep)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// Cycle sends every route that is due, under the registry lock, and
// returns when the next one is due and how many routes are registered.
func (a *Announcer) Cycle() (Mono, int, error) {
	unlock, err := a.Registry.Lock()
	if err != nil {
		return 0, 1, err
	}
	defer unlock()
	now := a.Clock.Mono()
	entries, pending, listErr := a.registered(now)
	entries, dropErr := a.dropOrphans(entries)
	listErr = errors.Join(listErr, dropErr)
	if len(entries)+pending == 0 && listErr == nil && a.OnEmpty != nil {
		a.OnEmpty()
	}
	due, next := a.schedule(entries, now)
	err = errors.Join(listErr, a.sendAll(due, now))
	return next, len(entries) + pending, err
}

// schedule picks the entries due by now+gather and returns the earliest
// time anything else falls due.
func (a *Announcer) schedule(entries []Entry, now Mono) ([]Entry, Mono) {
	var due []Entry
	next := now.Add(maxSleep)
	for _, e := range entries {
		at := a.dueAt(e, now)
		if !now.Add(gather).Before(at) {
			due = append(due, e)
			at = now.Add(e.Interval + a.jitter(e, now))
		}
		if at.Before(next) {
			next = at
		}
	}
	return due, next
}

// dueAt is when e must be sent next: at once if never sent (or if the
// last send is stamped in the future: not this boot's clock, or garbage),
// a jittered interval after its last send, and no later than the end of a
// takeover window that was running at the last send (to announce the
// steady metric then).
func (a *Announcer) dueAt(e Entry, now Mono) Mono {
	last, err := a.Registry.LastSent(e.VIP)
	if err != nil || last == 0 || now.Before(last) {
		return 0
	}
	at := last.Add(e.Interval + a.jitter(e, last))
	if e.inTakeover(last) && e.TakeoverUntil.Before(at) {
		return e.TakeoverUntil
	}
	return at
}

// jitter is the offset of the period of e that began at start.
func (a *Announcer) jitter(e Entry, start Mono) time.Duration {
	if a.Jitter == nil {
		return 0
	}
	v := e.VIP.As16()
	seed := uint64(start)
	for _, b := range v {
		seed = seed*131 + uint64(b)
	}
	return a.Jitter(e.Interval, seed)
}

// sendAll sends due entries in batches and records each route's send.
func (a *Announcer) sendAll(due []Entry, now Mono) error {
	var errs []error
	for _, b := range Batches(due, now) {
		if err := SendBatch(a.Registry, a.Send, b, a.Clock.Now()); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, r := range b.Routes {
			if err := a.Registry.MarkSent(r.Prefix.Addr(), now); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// SendBatch encodes b and sends it to each of its destinations. The caller
// holds the registry lock (the sequence number is stored there).
func SendBatch(reg Registry, send SendFunc, b Batch, now time.Time) error {
	if b.Entry.VIP.Is6() {
		return sendNg(send, b)
	}
	key := b.Entry.Auth.RIPKey()
	var seq uint32
	var seqErr error // the number could not be stored: send it all the same
	if key.Mode != rip.AuthNone {
		seq, seqErr = reg.NextSequence(now)
	}
	msg := &rip.Message{Command: rip.Response, Version: b.Entry.Version, Routes: b.Routes}
	payload, err := key.Marshal(msg, seq)
	if err != nil {
		return err
	}
	return errors.Join(seqErr, sendToAll(send, b.Entry, payload))
}

// sendToAll sends payload to each of e's destinations.
func sendToAll(send SendFunc, e Entry, payload []byte) error {
	var errs []error
	for _, dst := range e.Destinations {
		errs = append(errs, send(e, dst, payload))
	}
	return errors.Join(errs...)
}

// errNgAuth: RIPng has no authentication of its own (RFC 2080 §2.2).
var errNgAuth = errors.New("announce: RIPng cannot be authenticated")

// sendNg is SendBatch for RIPng.
func sendNg(send SendFunc, b Batch) error {
	if b.Entry.Auth.Mode != rip.AuthNone {
		return errNgAuth
	}
	payload, err := rip.MarshalNg(&rip.Message{Command: rip.Response, Routes: b.Routes})
	if err != nil {
		return err
	}
	return sendToAll(send, b.Entry, payload)
}

// Poison withdraws e's route: count metric-16 updates, spaced by gap. It
// is for stop, after Delete, so the announcer can no longer re-announce.
// Each datagram is sent under the registry lock when it can be taken (it
// orders the poison after a send cycle in progress, and guards the
// sequence number), and without it when not: a stop that cannot use the
// registry must still withdraw the route.
func Poison(reg Registry, send SendFunc, e Entry, count int, gap time.Duration, now func() time.Time) error {
	b := Batch{Entry: e, Routes: []rip.Route{e.Route(rip.Infinity)}}
	var errs []error
	for i := range count {
		if i > 0 {
			time.Sleep(gap)
		}
		unlock, err := reg.Lock()
		if err != nil {
			unlock = func() {}
			if i == 0 && reg.Dir != "" {
				errs = append(errs, err)
			}
		}
		errs = append(errs, SendBatch(reg, send, b, now()))
		unlock()
	}
	return errors.Join(errs...)
}
