package main

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
)

// BenchmarkClusterMoves moves ocf:ocfnet:IPaddr2 and ocf:heartbeat:IPaddr2
// between the two nodes of one cluster, five times each, while a client
// pings each VIP every 5 ms, and prints the median and worst longest
// outage of each. Run with make bench.
func BenchmarkClusterMoves(b *testing.B) {
	testnet.RequireRoot(b)
	if b.N < 5 {
		return // one real round of five moves per agent, not calibration
	}
	net := testnet.New(b)
	lan := net.NS("lan")
	br := net.Bridge(lan, "br0")
	client := net.NS("client")
	net.Port(client, "eth0", lan, br)
	client.IP(b, "addr", "add", "192.168.1.50/24", "dev", "eth0")
	c := net.Cluster(b, lan, br, []string{"nA", "nB"}, []string{"192.168.1.11/24", "192.168.1.12/24"})
	agents := []struct{ rsc, agent, ip string }{
		{"ours", "ocf:ocfnet:IPaddr2", "192.168.1.100"},
		{"theirs", "ocf:heartbeat:IPaddr2", "192.168.1.101"},
	}
	gaps := map[string][]time.Duration{}
	for _, a := range agents {
		c.Nodes[0].Run(b, "crm", "configure", "primitive", a.rsc, a.agent, "params", "ip="+a.ip,
			"op", "monitor", "interval=10s", "timeout=20s")
		c.WaitWhere(b, a.rsc, "", 30*time.Second)
		for range 5 {
			gaps[a.rsc] = append(gaps[a.rsc], move(b, c, client, a.rsc, a.ip))
		}
		c.Nodes[0].Run(b, "crm_resource", "--clear", "--resource", a.rsc)
		c.Nodes[0].Run(b, "crm_resource", "--resource", a.rsc, "--set-parameter", "target-role", "--meta", "--parameter-value", "Stopped")
	}
	summary := func(ds []time.Duration) (time.Duration, time.Duration) {
		s := append([]time.Duration(nil), ds...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		return s[len(s)/2], s[len(s)-1]
	}
	om, ow := summary(gaps["ours"])
	tm, tw := summary(gaps["theirs"])
	var out strings.Builder
	fmt.Fprintf(&out, "\nIPaddr2 moved between two Pacemaker nodes, 5 moves each, client pinging every 5 ms\n")
	fmt.Fprintf(&out, "%-24s %12s %12s\n", "longest client outage", "median", "worst")
	fmt.Fprintf(&out, "%-24s %12v %12v\n", "ocf:ocfnet:IPaddr2", om.Round(100*time.Microsecond), ow.Round(100*time.Microsecond))
	fmt.Fprintf(&out, "%-24s %12v %12v\n", "ocf:heartbeat:IPaddr2", tm.Round(100*time.Microsecond), tw.Round(100*time.Microsecond))
	fmt.Fprintf(&out, "ratio ocfnet/heartbeat: median %.2f, worst %.2f (goal: at most 0.5)\n", float64(om)/float64(tm), float64(ow)/float64(tw))
	fmt.Print(out.String())
}

// move moves rsc to the other node while the client pings ip, and returns
// the longest gap between replies.
func move(b *testing.B, c *testnet.Cluster, client *testnet.NS, rsc, ip string) time.Duration {
	from := c.Where(b, rsc)
	to := c.Other(from)
	ping := client.Ping(b, ip, 5*time.Millisecond, 60*time.Second)
	time.Sleep(300 * time.Millisecond)
	c.Nodes[0].Run(b, "crm_resource", "--move", "--resource", rsc, "--node", to.Name)
	c.WaitWhere(b, rsc, to.Name, 30*time.Second)
	for !to.NS.HasAddr(b, "eth0", ip+"/24") {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(700 * time.Millisecond)
	res := ping.Stop()
	if res.Received == 0 {
		b.Fatalf("no replies from %s while moving %s", ip, rsc)
	}
	return res.LongestGap()
}
