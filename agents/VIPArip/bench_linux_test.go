package main

import (
	"fmt"
	"net/netip"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/pkg/announce"
	"github.com/ocfnet/ocfnet/pkg/rip"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// routeWatch delivers the router's kernel route changes for one address
// as they happen (rtnetlink events), so latencies are not limited by
// polling.
type routeWatch struct {
	ch   chan netlink.RouteUpdate
	done chan struct{}
}

func watchRoutes(b *testing.B, l *lab) *routeWatch {
	h, err := netns.GetFromName(l.router.Name)
	if err != nil {
		b.Fatal(err)
	}
	w := &routeWatch{ch: make(chan netlink.RouteUpdate, 256), done: make(chan struct{})}
	if err := netlink.RouteSubscribeWithOptions(w.ch, w.done, netlink.RouteSubscribeOptions{Namespace: &h}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { close(w.done); h.Close() })
	return w
}

// wait returns when the route to dst is added via gw (or, gw == "",
// deleted), measured from since.
func (w *routeWatch) wait(b *testing.B, dst, gw string, since time.Time) time.Duration {
	want := netip.MustParseAddr(dst)
	timeout := time.After(5 * time.Second)
	for {
		select {
		case u := <-w.ch:
			if u.Dst == nil || !u.Dst.IP.Equal(want.AsSlice()) {
				continue
			}
			if gw == "" && u.Type == unix.RTM_DELROUTE {
				return time.Since(since)
			}
			if gw != "" && u.Type == unix.RTM_NEWROUTE && u.Gw != nil && u.Gw.String() == gw {
				return time.Since(since)
			}
		case <-timeout:
			b.Fatalf("no route event for %s via %q", dst, gw)
			return 0
		}
	}
}

func (w *routeWatch) drain() {
	for {
		select {
		case <-w.ch:
		case <-time.After(50 * time.Millisecond):
			return
		}
	}
}

// handSend sends one response for ip from server1 with metric m: RIPv2
// to 224.0.0.9, or for an IPv6 ip RIPng from the link-local address to
// ff02::9.
func handSend(b *testing.B, l *lab, ip string, m uint32) time.Time {
	route := []rip.Route{{Prefix: netip.PrefixFrom(netip.MustParseAddr(ip), netip.MustParseAddr(ip).BitLen()), Metric: m}}
	payload, err := rip.Key{}.Marshal(&rip.Message{Command: rip.Response, Version: 2, Routes: route}, 0)
	dst := netip.MustParseAddr("224.0.0.9")
	if strings.Contains(ip, ":") {
		payload, err = rip.MarshalNg(&rip.Message{Command: rip.Response, Routes: route})
		dst = netip.MustParseAddr("ff02::9")
	}
	if err != nil {
		b.Fatal(err)
	}
	var sent time.Time
	l.s1.ns.Do(b, func() {
		ifi, err := netlink.LinkByName("eth0")
		if err != nil {
			b.Fatal(err)
		}
		s, err := announce.NewSender("eth0", ifi.Attrs().Index, netip.MustParseAddr(l.s1.addr))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		sent = time.Now()
		if err := s.Send(dst, payload); err != nil {
			b.Fatal(err)
		}
	})
	return sent
}

// BenchmarkRIPConvergence measures, with FRR ripd as the router, how long
// after an action the router's kernel table follows, next to the floor of
// one hand-sent packet in the same run; and the announcer's resident
// memory with 1 and with 100 VIPs. Run with make bench.
func BenchmarkRIPConvergence(b *testing.B) {
	l := newLab(b)
	routerKinds[0].start(b, l, "")
	res := convergence(b, l, vip)
	if b.N < 5 {
		return
	}
	rss1 := announcerRSS(b, l, 1)
	rss100 := announcerRSS(b, l, 100)
	report("VIPArip with FRR ripd", res)
	fmt.Printf("announcer resident memory: %s with 1 VIP, %s with 100 VIPs\n", rss1, rss100)
}

// BenchmarkRIPngConvergence is BenchmarkRIPConvergence for an IPv6 VIP,
// with FRR ripngd.
func BenchmarkRIPngConvergence(b *testing.B) {
	l := newLab6(b)
	routerKinds6[0].start(b, l, "")
	res := convergence(b, l, vip6)
	if b.N >= 5 {
		report("VIPArip (RIPng) with FRR ripngd", res)
	}
}

// convergence runs b.N rounds of: the hand-sent floor, start, stop, and a
// takeover after a crash, timing the router's route events.
func convergence(b *testing.B, l *lab, ip string) map[string][]time.Duration {
	w := watchRoutes(b, l)
	res := map[string][]time.Duration{}
	add := func(k string, d time.Duration) { res[k] = append(res[k], d) }
	b.ResetTimer()
	for range b.N {
		w.drain()
		add("floor: hand-sent packet to route", w.wait(b, ip, l.s1.addr, handSend(b, l, ip, 1)))
		add("floor: hand-sent poison to removal", w.wait(b, ip, "", handSend(b, l, ip, rip.Infinity)))

		w.drain()
		began := time.Now()
		l.s1.expect(b, 0, "start", "ip="+ip)
		add("start invoked to route", w.wait(b, ip, l.s1.addr, began))
		began = time.Now()
		l.s1.expect(b, 0, "stop", "ip="+ip)
		add("stop invoked to removal", w.wait(b, ip, "", began))

		// Crash: server2 holds the VIP at its steady metric, dies.
		w.drain()
		l.s2.expect(b, 0, "start", "ip="+ip, "takeover_time=0")
		w.wait(b, ip, l.s2.addr, time.Now())
		l.s2.killAnnouncer(b)
		began = time.Now()
		l.s1.expect(b, 0, "start", "ip="+ip)
		add("takeover: start invoked to route", w.wait(b, ip, l.s1.addr, began))
		l.s2.expect(b, 0, "stop", "ip="+ip, "takeover_time=0")
		l.s1.expect(b, 0, "stop", "ip="+ip)
		w.wait(b, ip, "", time.Now())
	}
	b.StopTimer()
	return res
}

// announcerRSS starts n VIPs on server1 and returns the announcer's VmRSS.
func announcerRSS(b *testing.B, l *lab, n int) string {
	var ips []string
	for i := range n {
		ips = append(ips, fmt.Sprintf("10.77.%d.%d", i/200, 1+i%200))
	}
	for _, ip := range ips {
		l.s1.expect(b, 0, "start", "ip="+ip)
	}
	time.Sleep(1500 * time.Millisecond) // a few announcer cycles
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", l.s1.announcer()))
	if err != nil {
		b.Fatal(err)
	}
	rss := "?"
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			rss = strings.TrimSpace(v)
		}
	}
	for _, ip := range ips {
		l.s1.expect(b, 0, "stop", "ip="+ip, "poison_count=1")
	}
	return rss
}

func report(title string, res map[string][]time.Duration) {
	med := func(ds []time.Duration) time.Duration {
		s := append([]time.Duration(nil), ds...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		return s[len(s)/2]
	}
	var out strings.Builder
	fmt.Fprintf(&out, "\n%s, %d rounds, medians\n", title, len(res["start invoked to route"]))
	for _, k := range []string{"floor: hand-sent packet to route", "start invoked to route",
		"takeover: start invoked to route", "floor: hand-sent poison to removal", "stop invoked to removal"} {
		fmt.Fprintf(&out, "%-38s %10v\n", k, med(res[k]).Round(10*time.Microsecond))
	}
	floorAdd, floorDel := med(res["floor: hand-sent packet to route"]), med(res["floor: hand-sent poison to removal"])
	fmt.Fprintf(&out, "start above the floor %v, takeover %v, stop %v (goal: within 10 ms)\n",
		(med(res["start invoked to route"]) - floorAdd).Round(10*time.Microsecond),
		(med(res["takeover: start invoked to route"]) - floorAdd).Round(10*time.Microsecond),
		(med(res["stop invoked to removal"]) - floorDel).Round(10*time.Microsecond))
	fmt.Print(out.String())
}
