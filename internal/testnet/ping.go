package testnet

import (
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vishvananda/netns"
	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
)

// Pinger is a client sending ICMP echo requests from inside a namespace
// at a fixed interval, recording when replies arrive.
type Pinger struct {
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	res  PingResult
}

// PingResult is what a Pinger saw.
type PingResult struct {
	Sent, Received int
	Replies        []time.Time // arrival of each reply, in order
	Started        time.Time
	Stopped        time.Time
}

// LongestGap is the longest time between consecutive replies: the worst
// outage a client saw while the pinger ran (0 with fewer than two replies).
func (r PingResult) LongestGap() time.Duration {
	var longest time.Duration
	for i := 1; i < len(r.Replies); i++ {
		if d := r.Replies[i].Sub(r.Replies[i-1]); d > longest {
			longest = d
		}
	}
	return longest
}

// RepliesAfter counts replies that arrived after t.
func (r PingResult) RepliesAfter(t time.Time) int {
	n := 0
	for _, at := range r.Replies {
		if at.After(t) {
			n++
		}
	}
	return n
}

// Ping starts pinging target every interval from inside the namespace. It
// stops by itself after max; Stop ends it sooner and returns the result.
func (ns *NS) Ping(t testing.TB, target string, interval, max time.Duration) *Pinger {
	t.Helper()
	dst := net.ParseIP(target)
	if dst == nil || dst.To4() == nil {
		t.Fatalf("Ping: %q is not an IPv4 address", target)
	}
	p := &Pinger{stop: make(chan struct{}), done: make(chan struct{})}
	ready := make(chan error, 1)
	go p.run(ns.Name, dst, interval, max, ready)
	if err := <-ready; err != nil {
		t.Fatalf("Ping from %s: %v", ns.Name, err)
	}
	t.Cleanup(func() { p.Stop() })
	return p
}

// Stop ends the pinger (once) and returns what it saw.
func (p *Pinger) Stop() PingResult {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.res
}

// Wait polls what the pinger has seen so far until ok holds or within
// passes, and tells whether ok held. Tests wait for the replies they
// expect instead of sleeping a fixed time and hoping the replies, and the
// goroutines recording them, were quick enough.
func (p *Pinger) Wait(within time.Duration, ok func(PingResult) bool) bool {
	deadline := time.Now().Add(within)
	for {
		p.mu.Lock()
		r := p.res
		r.Replies = append([]time.Time(nil), p.res.Replies...)
		p.mu.Unlock()
		if ok(r) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (p *Pinger) run(nsName string, dst net.IP, interval, max time.Duration, ready chan<- error) {
	defer close(p.done)
	conn, err := listenIn(nsName)
	ready <- err
	if err != nil {
		return
	}
	defer conn.Close()
	p.res.Started = time.Now()
	id := int(pingID.Add(1)+uint32(os.Getpid())) & 0xffff
	go p.receive(conn, id)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	deadline := time.After(max)
	for seq := 0; ; seq++ {
		msg := icmp.Message{Type: ipv4.ICMPTypeEcho, Body: &icmp.Echo{ID: id, Seq: seq & 0xffff, Data: []byte("ocfnet")}}
		if b, err := msg.Marshal(nil); err == nil {
			if _, err := conn.WriteTo(b, &net.IPAddr{IP: dst}); err == nil {
				p.mu.Lock()
				p.res.Sent++
				p.mu.Unlock()
			}
		}
		select {
		case <-p.stop:
			p.finish()
			return
		case <-deadline:
			p.finish()
			return
		case <-tick.C:
		}
	}
}

func (p *Pinger) finish() {
	p.mu.Lock()
	p.res.Stopped = time.Now()
	p.mu.Unlock()
}

// pingID makes each pinger's echo identifier unique: a raw ICMP socket
// sees every echo reply in its namespace.
var pingID atomic.Uint32

func (p *Pinger) receive(conn *icmp.PacketConn, id int) {
	buf := make([]byte, 1500)
	for {
		n, _, err := conn.ReadFrom(buf)
		if err != nil {
			return // closed
		}
		m, err := icmp.ParseMessage(1, buf[:n])
		if err != nil || m.Type != ipv4.ICMPTypeEchoReply {
			continue
		}
		if echo, ok := m.Body.(*icmp.Echo); !ok || echo.ID != id {
			continue
		}
		p.mu.Lock()
		p.res.Received++
		p.res.Replies = append(p.res.Replies, time.Now())
		p.mu.Unlock()
	}
}

// listenIn opens a raw ICMP socket inside the named namespace.
func listenIn(nsName string) (*icmp.PacketConn, error) {
	type result struct {
		c   *icmp.PacketConn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			ch <- result{nil, err}
			return
		}
		defer orig.Close()
		h, err := netns.GetFromName(nsName)
		if err != nil {
			ch <- result{nil, err}
			return
		}
		defer h.Close()
		if err := netns.Set(h); err != nil {
			ch <- result{nil, err}
			return
		}
		c, err := icmp.ListenPacket("ip4:icmp", "0.0.0.0")
		if netns.Set(orig) == nil {
			runtime.UnlockOSThread()
		}
		ch <- result{c, err}
	}()
	r := <-ch
	return r.c, r.err
}
