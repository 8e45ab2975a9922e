package garp

import (
	"context"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/mdlayher/arp"
)

type pkt = arp.Packet

func wrap(f func(net.HardwareAddr, netip.Addr) (*arp.Packet, error)) func(net.HardwareAddr, netip.Addr) (*pkt, error) {
	return f
}

// fakeClock is a virtual clock: Sleep moves it forward at once, so a
// schedule runs in no real time and every instant in it is exact.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil || d <= 0 {
		return err
	}
	c.advance(d)
	return nil
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// sent is one packet a fake wrote.
type sent struct {
	p  *arp.Packet
	to net.HardwareAddr
	at time.Time
}

// recorder is a Writer that keeps what it is given, stamped with the
// time of its clock (the real one if nil). A write takes the clock
// forward by takes, as a slow socket would; after, if not nil, runs after
// each write with the number of packets written so far.
type recorder struct {
	clock *fakeClock
	takes time.Duration
	after func(n int)

	mu   sync.Mutex
	sent []sent
}

func (r *recorder) WriteTo(p *arp.Packet, to net.HardwareAddr) error {
	at := time.Now()
	if r.clock != nil {
		at = r.clock.Now()
		r.clock.advance(r.takes)
	}
	r.mu.Lock()
	r.sent = append(r.sent, sent{p, to, at})
	n := len(r.sent)
	r.mu.Unlock()
	if r.after != nil {
		r.after(n)
	}
	return nil
}

// fakeLink is a ProbeConn on a pretend LAN: written probes are echoed back
// (as a real packet socket does) and answered by the hosts in answers.
type fakeLink struct {
	recorder
	hw       net.HardwareAddr
	answers  map[netip.Addr]net.HardwareAddr // ip -> owner
	in       chan *arp.Packet
	deadline chan struct{}
	once     sync.Once
}

func newFakeLink(hw net.HardwareAddr, answers map[netip.Addr]net.HardwareAddr) *fakeLink {
	return &fakeLink{hw: hw, answers: answers, in: make(chan *arp.Packet, 16), deadline: make(chan struct{})}
}

func (f *fakeLink) HardwareAddr() net.HardwareAddr { return f.hw }

func (f *fakeLink) WriteTo(p *arp.Packet, to net.HardwareAddr) error {
	_ = f.recorder.WriteTo(p, to)
	f.in <- p // our own frame comes back
	if owner, ok := f.answers[p.TargetIP]; ok {
		reply, _ := arp.NewPacket(arp.OperationReply, owner, p.TargetIP, p.SenderHardwareAddr, p.SenderIP)
		f.in <- reply
	}
	return nil
}

// Read returns the packets already on the link before it honours the
// deadline, so what a test's probe sees does not depend on how soon the
// listening goroutine ran (all of them are queued by WriteTo, before
// Probe sets the deadline).
func (f *fakeLink) Read() (*arp.Packet, net.HardwareAddr, error) {
	select {
	case p := <-f.in:
		return p, p.SenderHardwareAddr, nil
	default:
	}
	select {
	case p := <-f.in:
		return p, p.SenderHardwareAddr, nil
	case <-f.deadline:
		return nil, nil, os.ErrDeadlineExceeded
	}
}

func (f *fakeLink) SetReadDeadline(time.Time) error {
	f.once.Do(func() { close(f.deadline) })
	return nil
}
