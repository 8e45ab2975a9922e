package announce

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/pkg/rip"
)

// datagram is one send the fake transport saw.
type datagram struct {
	dst    netip.Addr
	parsed *rip.Parsed
	size   int
}

type recorder struct {
	mu   sync.Mutex
	sent []datagram
}

func (r *recorder) send(_ Entry, dst netip.Addr, payload []byte) error {
	p, err := rip.Parse(payload)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, datagram{dst, p, len(payload)})
	return nil
}

func (r *recorder) take() []datagram {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.sent
	r.sent = nil
	return out
}

// clock is an injected Clock: both clocks advance together unless a test
// steps the wall clock alone.
type clock struct {
	wall time.Time
	mono Mono
}

func (c *clock) Now() time.Time          { return c.wall }
func (c *clock) Mono() Mono              { return c.mono }
func (c *clock) advance(d time.Duration) { c.wall, c.mono = c.wall.Add(d), c.mono.Add(d) }

var (
	t0        = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	m0        = Mono(time.Hour) // the node booted an hour before t0
	multicast = netip.MustParseAddr("224.0.0.9")
)

func entry(i int) Entry {
	return Entry{
		VIP:            netip.AddrFrom4([4]byte{192, 168, 13, byte(i)}),
		Interface:      "eth0",
		IfIndex:        2,
		Source:         netip.MustParseAddr("192.168.10.221"),
		Destinations:   []netip.Addr{multicast},
		Version:        2,
		Metric:         2,
		TakeoverMetric: 1,
		TakeoverUntil:  m0.Add(5 * time.Second),
		Interval:       30 * time.Second,
	}
}

func setup(t *testing.T, entries ...Entry) (*Announcer, *recorder, *clock) {
	t.Helper()
	reg := Registry{Dir: t.TempDir()}
	unlock, err := reg.Lock()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := reg.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	unlock()
	rec, clk := &recorder{}, &clock{t0, m0}
	return &Announcer{Registry: reg, Send: rec.send, Clock: clk}, rec, clk
}

func metrics(ds []datagram) map[netip.Addr]uint32 {
	out := map[netip.Addr]uint32{}
	for _, d := range ds {
		for _, r := range d.parsed.Routes {
			out[r.Prefix.Addr()] = r.Metric
		}
	}
	return out
}

func cycle(t *testing.T, a *Announcer) int {
	t.Helper()
	_, n, err := a.Cycle()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAnnouncerSchedule(t *testing.T) {
	a, rec, clk := setup(t, entry(1), entry(2))
	cycle(t, a)
	got := rec.take()
	if len(got) != 1 || got[0].dst != multicast || len(got[0].parsed.Routes) != 2 {
		t.Fatalf("first cycle: %d datagrams, want the two new routes in one", len(got))
	}
	for vip, m := range metrics(got) {
		if m != 1 {
			t.Errorf("%v announced with metric %d during takeover, want 1", vip, m)
		}
	}
	clk.advance(3 * time.Second)
	cycle(t, a)
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("3 s later: %d datagrams, want none", len(got))
	}
	clk.advance(2 * time.Second) // the takeover window ends
	cycle(t, a)
	got = rec.take()
	if len(got) != 1 {
		t.Fatalf("end of takeover: %d datagrams, want 1", len(got))
	}
	for vip, m := range metrics(got) {
		if m != 2 {
			t.Errorf("%v announced with metric %d after takeover, want the steady 2", vip, m)
		}
	}
	clk.advance(28 * time.Second) // due at 35 s; anything due within 1 s is gathered
	cycle(t, a)
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("before the interval: %d datagrams", len(got))
	}
	clk.advance(2 * time.Second)
	cycle(t, a)
	if got := rec.take(); len(got) != 1 {
		t.Fatalf("after the interval: %d datagrams, want 1", len(got))
	}
}

func TestAnnouncerShortInterval(t *testing.T) {
	e := entry(1)
	e.Interval = time.Second
	a, rec, clk := setup(t, e)
	for range 4 {
		cycle(t, a)
		clk.advance(time.Second)
	}
	if got := rec.take(); len(got) != 4 {
		t.Errorf("1 s interval over 4 s: %d datagrams, want 4 (takeover must not suppress them)", len(got))
	}
}

func TestAnnouncerGroupsAndLimits(t *testing.T) {
	var entries []Entry
	for i := range 60 {
		e := entry(i + 1)
		e.Auth = Auth{Mode: rip.AuthMD5, Key: []byte("s3cret"), KeyID: 1}
		entries = append(entries, e)
	}
	other := entry(100)
	other.Destinations = []netip.Addr{netip.MustParseAddr("192.168.10.255")}
	a, rec, _ := setup(t, append(entries, other)...)
	cycle(t, a)
	got := rec.take()
	var md5, bcast int
	for _, d := range got {
		if d.size > rip.MaxDatagram {
			t.Errorf("datagram of %d octets", d.size)
		}
		if d.dst == multicast {
			md5 += len(d.parsed.Routes)
			if d.parsed.AuthType == 0 {
				t.Error("authenticated group sent without authentication")
			}
		} else {
			bcast += len(d.parsed.Routes)
		}
	}
	if len(got) != 4 || md5 != 60 || bcast != 1 {
		t.Errorf("%d datagrams carrying %d + %d routes, want 3 MD5 datagrams (23+23+14) and 1 broadcast", len(got), md5, bcast)
	}
	seqs := map[uint32]bool{}
	for _, d := range got {
		if d.parsed.AuthType != 0 {
			if seqs[d.parsed.Sequence] {
				t.Errorf("sequence number %d reused", d.parsed.Sequence)
			}
			seqs[d.parsed.Sequence] = true
		}
	}
}

func TestAnnouncerRemove(t *testing.T) {
	a, rec, clk := setup(t, entry(1), entry(2))
	cycle(t, a)
	rec.take()
	unlock, _ := a.Registry.Lock()
	if err := a.Registry.Delete(entry(1).VIP); err != nil {
		t.Fatal(err)
	}
	unlock()
	clk.advance(time.Minute)
	if n := cycle(t, a); n != 1 {
		t.Errorf("%d entries left, want 1", n)
	}
	if m := metrics(rec.take()); len(m) != 1 || m[entry(2).VIP] == 0 {
		t.Errorf("after removing %v: announced %v", entry(1).VIP, m)
	}
	unlock, _ = a.Registry.Lock()
	a.Registry.Delete(entry(2).VIP)
	unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.Run(ctx); err != nil {
		t.Errorf("Run with an empty registry: %v, want it to return nil at once", err)
	}
}

func TestPoison(t *testing.T) {
	reg := Registry{Dir: t.TempDir()}
	rec := &recorder{}
	e := entry(7)
	e.Auth = Auth{Mode: rip.AuthHMACSHA256, Key: []byte("k"), KeyID: 1}
	if err := Poison(reg, rec.send, e, 3, time.Millisecond, time.Now); err != nil {
		t.Fatal(err)
	}
	got := rec.take()
	if len(got) != 3 {
		t.Fatalf("%d poison datagrams, want 3", len(got))
	}
	for _, d := range got {
		if m := metrics([]datagram{d})[e.VIP]; m != rip.Infinity {
			t.Errorf("poison metric %d", m)
		}
		if d.parsed.AuthType == 0 || d.parsed.KeyID != 1 {
			t.Error("poison sent without the route's authentication")
		}
	}
}

func TestNextSequence(t *testing.T) {
	reg := Registry{Dir: t.TempDir()}
	unlock, _ := reg.Lock()
	defer unlock()
	var last uint32
	for i := range 5 {
		s, err := reg.NextSequence(t0) // the same second every time
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 && s != uint32(t0.Unix()) {
			t.Errorf("first sequence %d, want unix seconds %d", s, t0.Unix())
		}
		if i > 0 && s != last+1 {
			t.Errorf("sequence %d after %d", s, last)
		}
		last = s
	}
	if s, _ := reg.NextSequence(t0.Add(time.Hour)); s != uint32(t0.Add(time.Hour).Unix()) {
		t.Errorf("an hour later: %d", s)
	}
}

func TestDefaultJitter(t *testing.T) {
	const interval = 30 * time.Second
	seen := map[time.Duration]bool{}
	for seed := range uint64(200) {
		j := DefaultJitter(interval, seed)
		if j < -5*time.Second || j > 5*time.Second {
			t.Fatalf("jitter %v outside ±5 s", j)
		}
		if DefaultJitter(interval, seed) != j {
			t.Fatal("jitter not stable for one period")
		}
		seen[j.Round(time.Second)] = true
	}
	if len(seen) < 5 {
		t.Errorf("jitter hardly varies: %v", seen)
	}
	if DefaultJitter(0, 1) != 0 {
		t.Error("zero interval jitters")
	}
}

func TestEntryGroup(t *testing.T) {
	a, b := entry(1), entry(2)
	if a.group() != b.group() {
		t.Error("entries differing only in VIP are in different groups")
	}
	for name, change := range map[string]func(*Entry){
		"destination": func(e *Entry) { e.Destinations = []netip.Addr{netip.MustParseAddr("10.0.0.1")} },
		"source":      func(e *Entry) { e.Source = netip.MustParseAddr("192.168.10.222") },
		"version":     func(e *Entry) { e.Version = 1 },
		"key":         func(e *Entry) { e.Auth = Auth{Mode: rip.AuthSimple, Key: []byte("x")} },
		"interface":   func(e *Entry) { e.Interface, e.IfIndex = "eth1", 3 },
	} {
		c := entry(3)
		change(&c)
		if c.group() == a.group() {
			t.Errorf("different %s, same group", name)
		}
	}
}

func entry6(i int) Entry {
	e := entry(i)
	e.VIP = netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 0x13, 15: byte(i)})
	e.Source = netip.MustParseAddr("fe80::221")
	e.Destinations = []netip.Addr{netip.MustParseAddr("ff02::9")}
	return e
}

// TestRIPngBatches: IPv6 entries travel as RIPng, never with IPv4 ones,
// in datagrams that fit a minimum-MTU link; authentication is refused.
func TestRIPngBatches(t *testing.T) {
	var entries []Entry
	for i := range 70 {
		entries = append(entries, entry6(i), entry(i))
	}
	var v4, v6 []int
	for _, b := range Batches(entries, m0) {
		for _, r := range b.Routes {
			if r.Prefix.Addr().Is4() != b.Entry.VIP.Is4() {
				t.Fatalf("a batch mixes families: %v in the batch of %v", r.Prefix, b.Entry.VIP)
			}
		}
		if b.Entry.VIP.Is6() {
			v6 = append(v6, len(b.Routes))
		} else {
			v4 = append(v4, len(b.Routes))
		}
	}
	if fmt.Sprint(v6) != "[61 9]" || fmt.Sprint(v4) != "[25 25 20]" {
		t.Errorf("batches: IPv6 %v (want [61 9]), IPv4 %v (want [25 25 20])", v6, v4)
	}

	var got []*rip.Message
	send := func(_ Entry, dst netip.Addr, payload []byte) error {
		m, err := rip.ParseNg(payload)
		if err != nil {
			return err
		}
		if dst.String() != "ff02::9" {
			t.Errorf("sent to %v", dst)
		}
		got = append(got, m)
		return nil
	}
	reg := Registry{Dir: t.TempDir()}
	e := entry6(1)
	if err := SendBatch(reg, send, Batch{Entry: e, Routes: []rip.Route{e.Route(e.MetricAt(m0))}}, t0); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Routes) != 1 || got[0].Routes[0].Prefix.Bits() != 128 || got[0].Routes[0].Metric != 1 {
		t.Errorf("sent %+v, want one /128 route with the takeover metric 1", got)
	}
	e.Auth = Auth{Mode: rip.AuthMD5, Key: []byte("k")}
	if err := SendBatch(reg, send, Batch{Entry: e, Routes: []rip.Route{e.Route(2)}}, t0); !errors.Is(err, errNgAuth) {
		t.Errorf("an authenticated RIPng batch: %v, want errNgAuth", err)
	}
}
