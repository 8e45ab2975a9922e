package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/agenttest"
	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/proc"
)

// clusterWithRouter forms a two-node Pacemaker cluster on a LAN, gives
// each node an uplink on its own subnet to a router running FRR's ripd
// and puts a remote client behind the router; uplink maps a node's name
// to its address on its uplink.
func clusterWithRouter(t *testing.T, node1, node2 string) (c *testnet.Cluster, router, remote *testnet.NS, uplink map[string]string) {
	t.Helper()
	net := testnet.New(t)
	lan := net.NS("lan")
	br := net.Bridge(lan, "br0")
	c = net.Cluster(t, lan, br, []string{node1, node2}, []string{"192.168.1.11/24", "192.168.1.12/24"})
	router, remote, uplink = net.RIPUplinks(t, c)
	router.StartFRR(t, frrConf).WaitRIP(t, "eth0", "eth1")
	return c, router, remote, uplink
}

// TestLinuxCluster: two Pacemaker nodes on a LAN, each with an uplink on
// its own subnet to an FRR router, a remote client behind the router. The
// README's crm definition (only ip) runs; the router follows a planned
// move while the client pings; a killed announcer is found by monitor and
// the resource recovered.
func TestLinuxCluster(t *testing.T) {
	testnet.RequireRoot(t)
	agenttest.Need(t, agenttest.OCFDir+"/VIPArip")
	crm := testnet.DocumentedCRM(t, "../../README.md", "VIPArip")
	ip := ""
	for _, f := range crm {
		if v, ok := strings.CutPrefix(f, "ip="); ok {
			ip = v
		}
	}
	c, router, remote, uplink := clusterWithRouter(t, "nA", "nB")
	routedVia := func(gw string, within time.Duration) time.Duration {
		took, ok := router.WaitRoute(t, ip, within, func(r testnet.Route, found bool) bool {
			return found && len(r.Via()) == 1 && r.Via()[0] == gw
		})
		if !ok {
			r, _ := router.Route(t, ip)
			t.Fatalf("router routes %s via %v, want %s", ip, r.Via(), gw)
		}
		return took
	}

	c.Nodes[0].Run(t, crm...)
	holder := c.Node(c.WaitWhere(t, "rvip", "", 30*time.Second))
	routedVia(uplink[holder.Name], 10*time.Second)
	ping := remote.Ping(t, ip, 5*time.Millisecond, 60*time.Second)
	time.Sleep(500 * time.Millisecond)

	other := c.Other(holder.Name)
	moved := time.Now()
	c.Nodes[0].Run(t, "crm_standby", "-N", holder.Name, "-v", "on")
	routedVia(uplink[other.Name], 30*time.Second)
	took := time.Since(moved)
	ping.Wait(10*time.Second, func(r testnet.PingResult) bool { return r.RepliesAfter(moved.Add(took)) > 0 })
	res := ping.Stop()
	if res.RepliesAfter(moved.Add(took)) == 0 {
		t.Fatal("the remote client gets no replies after the move")
	}
	if gap := res.LongestGap(); gap > 5*time.Second {
		t.Errorf("longest remote client outage during a planned move: %v", gap)
	}
	t.Logf("planned move: router routes via %s %v after crm_standby; longest remote outage %v (%d/%d replies)",
		other.Name, took, res.LongestGap(), res.Received, res.Sent)
	c.Nodes[0].Run(t, "crm_standby", "-N", holder.Name, "-v", "off")

	// The announcer of the active node is killed: monitor (5 s) fails and
	// Pacemaker recovers the resource, announcer included.
	pid := announcerOf(t, other)
	if pid == 0 {
		t.Fatalf("no announcer on %s", other.Name)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	for time.Since(killed) < 30*time.Second {
		if p := announcerOf(t, c.Node(c.Where(t, "rvip"))); p != 0 && p != pid {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	now := c.Node(c.Where(t, "rvip"))
	if now == nil || announcerOf(t, now) == 0 {
		t.Fatalf("not recovered after the announcer was killed:\n%s", c.Nodes[0].Run(t, "crm_mon", "-1"))
	}
	routedVia(uplink[now.Name], 10*time.Second)
	t.Logf("killed announcer: recovered on %s after %v", now.Name, time.Since(killed))
	if out := c.Nodes[0].Run(t, "crm_mon", "-1"); !strings.Contains(out, "announcer") {
		t.Errorf("crm_mon does not show the monitor's exit reason:\n%s", out)
	}
}

// announcerOf returns the pid of the announcer on a cluster node (its
// HA_RSCTMP is the node's private /run/resource-agents), or 0.
func announcerOf(t *testing.T, n *testnet.ClusterNode) int {
	t.Helper()
	if n == nil {
		return 0
	}
	out, err := n.RunErr("cat", "/run/resource-agents/ocfnet-VIPArip/announcer.pid")
	if err != nil {
		return 0
	}
	var pid int
	if _, err := fmt.Sscan(out, &pid); err != nil || !proc.Alive(pid) {
		return 0
	}
	return pid
}

// TestLinuxClusterPerNodeRules runs docs/migration.md's CLUSTERPRO-style
// definition verbatim: each node announces from its own uplink address to
// its own subnet's broadcast, chosen by Pacemaker rules on #uname, and the
// router follows the VIP from one node to the other.
func TestLinuxClusterPerNodeRules(t *testing.T) {
	testnet.RequireRoot(t)
	agenttest.Need(t, agenttest.OCFDir+"/VIPArip")
	crm := testnet.DocumentedCRM(t, "../../docs/migration.md", "VIPArip")
	c, router, _, uplink := clusterWithRouter(t, "node1", "node2")
	const ip = "192.168.13.229"
	// registered returns the destinations the node's agent announces to.
	registered := func(n *testnet.ClusterNode) string {
		out, err := n.RunErr("cat", "/run/resource-agents/ocfnet-VIPArip/"+ip+".route")
		if err != nil {
			return ""
		}
		var e struct {
			Source       string   `json:"source"`
			Destinations []string `json:"destinations"`
		}
		if err := json.Unmarshal([]byte(out), &e); err != nil {
			t.Fatalf("registry entry on %s: %v\n%s", n.Name, err, out)
		}
		return e.Source + " to " + strings.Join(e.Destinations, " ")
	}
	check := func(n *testnet.ClusterNode) {
		t.Helper()
		subnet := strings.TrimSuffix(uplink[n.Name], "221")
		if got, want := registered(n), uplink[n.Name]+" to "+subnet+"255"; got != want {
			t.Errorf("%s announces from %s, want %s (its rule)", n.Name, got, want)
		}
		if _, ok := router.WaitRoute(t, ip, 10*time.Second, func(r testnet.Route, found bool) bool {
			return found && len(r.Via()) == 1 && r.Via()[0] == uplink[n.Name]
		}); !ok {
			r, _ := router.Route(t, ip)
			t.Fatalf("router routes %s via %v, want %s", ip, r.Via(), uplink[n.Name])
		}
	}

	c.Nodes[0].Run(t, crm...)
	holder := c.Node(c.WaitWhere(t, "rvip", "", 30*time.Second))
	check(holder)
	other := c.Other(holder.Name)
	c.Nodes[0].Run(t, "crm_standby", "-N", holder.Name, "-v", "on")
	c.WaitWhere(t, "rvip", other.Name, 30*time.Second)
	check(other)
}
