package main

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/agenttest"
	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/proc"
	"github.com/ocfnet/ocfnet/pkg/rip"
)

// TestLinuxClusterStackDeath: a node whose cluster stack dies withdraws
// its routes, but not in maintenance mode and not for a hand-run start.
// Two nodes, each holding one VIP with short announcement and monitor
// intervals, a router running FRR's ripd. In maintenance mode, for many
// monitor intervals and beyond the grace, with nB's whole stack killed,
// both routes stay; nB's stack starts again and its new executor adopts
// the route. Out of maintenance, nA's stack is killed: its route is
// poisoned after the grace and is gone at the router, nothing of it is
// announced after, its VIP is released; a VIP started on nA by
// crm_resource --force-start, and nB's route, stay.
func TestLinuxClusterStackDeath(t *testing.T) {
	testnet.RequireRoot(t)
	agenttest.Need(t, agenttest.OCFDir+"/VIPArip", "/usr/sbin/crm_attribute")
	// Inherited by corosync, pacemakerd, the executor, the agents and the
	// announcer.
	const grace = 3 * time.Second
	t.Setenv(ownerGraceEnv, grace.String())
	c, router, _, uplink := clusterWithRouter(t, "nA", "nB")
	nA, nB := c.Node("nA"), c.Node("nB")
	const (
		vipA    = "192.168.13.229" // managed, on nA only
		vipB    = "192.168.13.230" // managed, on nB only
		vipHand = "192.168.13.231" // started by hand on nA
	)
	capture := router.CaptureUDP(t, 520)
	nA.Run(t, "sh", "-c", `crm configure <<'EOF'
primitive rA ocf:ocfnet:VIPArip params ip=`+vipA+` interval=1 op monitor interval=1s timeout=20s
primitive rB ocf:ocfnet:VIPArip params ip=`+vipB+` interval=1 op monitor interval=1s timeout=20s
location rA-on-nA rA -inf: nB
location rB-on-nB rB -inf: nA
commit
EOF`)
	c.WaitWhere(t, "rA", "nA", 30*time.Second)
	c.WaitWhere(t, "rB", "nB", 30*time.Second)
	routed := func(vip, gw string, within time.Duration) {
		t.Helper()
		if _, ok := router.WaitRoute(t, vip, within, func(r testnet.Route, found bool) bool {
			return found && len(r.Via()) == 1 && r.Via()[0] == gw
		}); !ok {
			r, _ := router.Route(t, vip)
			t.Fatalf("router routes %s via %v, want %s", vip, r.Via(), gw)
		}
	}
	routed(vipA, uplink["nA"], 10*time.Second)
	routed(vipB, uplink["nB"], 10*time.Second)
	if o := ownerEntry(t, nA, vipA); o == nil || exeName(o.PID) != "pacemaker-execd" || o.Node != "nA" || o.Resource != "rA" {
		t.Fatalf("rA's registry entry names owner %+v, want nA's pacemaker-execd", o)
	}

	// Maintenance mode: recurring monitors are cancelled, the resources
	// must stay as they are, also when a node's stack stops meanwhile.
	nA.Run(t, "crm_attribute", "--type", "crm_config", "--name", "maintenance-mode", "--update", "true")
	for _, n := range c.Nodes {
		waitSavedCIB(t, n, `name="maintenance-mode" value="true"`)
	}
	announcerB, oldOwnerB := waitAnnouncer(t, nB), ownerEntry(t, nB, vipB)
	nB.KillStack(t)
	inMaintenance := time.Now()
	time.Sleep(4 * grace) // 12 monitor intervals
	for vip, n := range map[string]string{vipA: "nA", vipB: "nB"} {
		announced(t, capture, uplink[n], vip, inMaintenance.Add(3*grace), time.Now(), true)
		noPoison(t, capture, uplink[n], vip, inMaintenance)
	}
	routed(vipA, uplink["nA"], 0)
	routed(vipB, uplink["nB"], 0)

	// nB's stack starts again, still in maintenance mode: the probe of its
	// new executor adopts rB's route.
	c.RestartStack(t, nB, announcerB)
	restarted := time.Now()
	for o := ownerEntry(t, nB, vipB); o == nil || o.PID == oldOwnerB.PID; o = ownerEntry(t, nB, vipB) {
		if time.Since(restarted) > 30*time.Second {
			t.Fatalf("rB still owned by %+v 30 s after nB's stack restarted", o)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if o := ownerEntry(t, nB, vipB); exeName(o.PID) != "pacemaker-execd" {
		t.Fatalf("rB adopted by pid %d (%s), want nB's new pacemaker-execd", o.PID, exeName(o.PID))
	}
	t.Logf("nB's stack restarted in maintenance mode: rB adopted by the new executor %v after it was online", time.Since(restarted))
	nA.Run(t, "crm_attribute", "--type", "crm_config", "--name", "maintenance-mode", "--update", "false")
	waitSavedCIB(t, nA, `name="maintenance-mode" value="false"`)

	// A hand-run start on nA, with the cluster running: crm_resource runs
	// the agent, no executor.
	// Once the cluster has probed rHand (not running): a probe finding it
	// running would make it the cluster's, which stops it.
	nA.Run(t, "sh", "-c", `crm configure primitive rHand ocf:ocfnet:VIPArip params ip=`+vipHand+
		` interval=1 meta target-role=Stopped && crm_resource --wait --timeout 30s && crm_resource --force-start --resource rHand`)
	routed(vipHand, uplink["nA"], 10*time.Second)
	if o := ownerEntry(t, nA, vipHand); o != nil {
		t.Fatalf("crm_resource --force-start recorded owner %+v, want none", o)
	}
	time.Sleep(2 * grace) // out of maintenance, executors alive: nothing withdrawn
	routed(vipA, uplink["nA"], 0)
	routed(vipB, uplink["nB"], 0)
	noPoison(t, capture, uplink["nA"], vipA, inMaintenance)
	noPoison(t, capture, uplink["nB"], vipB, inMaintenance)

	announcerA := waitAnnouncer(t, nA)
	nA.KillStack(t)
	killed := time.Now()
	// The announcer notices at its next cycle (within a second), waits the
	// grace, poisons at the first cycle after it (within a second); the
	// slack is for a loaded machine, not the design.
	const slack = 3 * time.Second
	gone, ok := router.WaitRoute(t, vipA, grace+2*time.Second+slack, func(_ testnet.Route, found bool) bool { return !found })
	if !ok {
		t.Fatalf("router still routes %s %v after nA's stack died", vipA, gone)
	}
	poison, ok := firstPoison(capture, uplink["nA"], vipA, killed)
	if !ok {
		t.Fatalf("no poison of %s from nA", vipA)
	}
	if after := poison.Sub(killed); after < grace {
		t.Errorf("%s poisoned %v after the stack died, before the %v grace", vipA, after, grace)
	}
	t.Logf("nA's stack killed: %s poisoned after %v, gone at the router after %v (grace %v)", vipA, poison.Sub(killed), gone, grace)
	time.Sleep(3 * grace)
	announced(t, capture, uplink["nA"], vipA, poison, time.Now(), false)
	if log := c.PacemakerLog(t, "nA"); !strings.Contains(log, vipA+": the cluster stack of this node is gone") {
		t.Errorf("nA's log does not say why %s was withdrawn:\n%s", vipA, log)
	}
	if nA.NS.HasAddr(t, "lo", vipA+"/32") {
		t.Errorf("%s still held on nA's lo after the withdrawal", vipA)
	}
	// The hand-run route and nB's (its stack alive) stay.
	announced(t, capture, uplink["nA"], vipHand, time.Now().Add(-2*grace), time.Now(), true)
	routed(vipHand, uplink["nA"], 0)
	announced(t, capture, uplink["nB"], vipB, time.Now().Add(-2*grace), time.Now(), true)
	routed(vipB, uplink["nB"], 0)
	if !proc.Alive(announcerA) {
		t.Error("nA's announcer exited with a hand-run route registered")
	}
}

// ownerEntry returns the owner recorded in the node's registry entry of
// vip (nil for none); the test fails if vip is not registered.
func ownerEntry(t *testing.T, n *testnet.ClusterNode, vip string) *struct {
	PID      int    `json:"pid"`
	Node     string `json:"node"`
	Resource string `json:"resource"`
} {
	t.Helper()
	out := n.Run(t, "cat", "/run/resource-agents/ocfnet-VIPArip/"+vip+".route")
	var e struct {
		Owner *struct {
			PID      int    `json:"pid"`
			Node     string `json:"node"`
			Resource string `json:"resource"`
		} `json:"owner"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("registry entry of %s on %s: %v", vip, n.Name, err)
	}
	return e.Owner
}

// exeName is the executable's base name of pid.
func exeName(pid int) string {
	exe, _ := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	return filepath.Base(exe)
}

// waitSavedCIB waits until the configuration pacemaker-based saved on n
// contains want.
func waitSavedCIB(t *testing.T, n *testnet.ClusterNode, want string) {
	t.Helper()
	var out string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		out, _ = n.RunErr("cat", "/var/lib/pacemaker/cib/cib.xml")
		if strings.Contains(out, want) {
			return
		}
	}
	t.Fatalf("%s's saved configuration lacks %s:\n%s", n.Name, want, out)
}

// waitAnnouncer returns the pid of n's announcer.
func waitAnnouncer(t *testing.T, n *testnet.ClusterNode) int {
	t.Helper()
	for range 100 {
		if pid := announcerOf(t, n); pid != 0 {
			return pid
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no announcer on %s", n.Name)
	return 0
}

// routesIn returns the RIP routes of a captured datagram.
func routesIn(p testnet.UDPPacket) []rip.Route {
	m, err := rip.Parse(p.Payload)
	if err != nil {
		return nil
	}
	return m.Routes
}

// announced checks whether src announced vip (metric below 16) between
// from and to, as want says. The router's own updates (it passes the
// routes it learnt on to its other links) are not counted.
func announced(t *testing.T, c *testnet.Capture, src, vip string, from, to time.Time, want bool) {
	t.Helper()
	a := netip.MustParseAddr(vip)
	n := 0
	for _, p := range c.Since(from) {
		if p.At.After(to) {
			break
		}
		if p.Src.String() != src {
			continue
		}
		for _, r := range routesIn(p) {
			if r.Prefix.Addr() == a && r.Metric < rip.Infinity {
				n++
			}
		}
	}
	if (n > 0) != want {
		t.Errorf("%s announced %d times in the %v from %s, want announced: %v", vip, n, to.Sub(from).Round(time.Millisecond), from.Format("15:04:05.000"), want)
	}
}

// firstPoison returns when src first poisoned vip after since.
func firstPoison(c *testnet.Capture, src, vip string, since time.Time) (time.Time, bool) {
	a := netip.MustParseAddr(vip)
	for _, p := range c.Since(since) {
		if p.Src.String() != src {
			continue
		}
		for _, r := range routesIn(p) {
			if r.Prefix.Addr() == a && r.Metric == rip.Infinity {
				return p.At, true
			}
		}
	}
	return time.Time{}, false
}

// noPoison fails if src poisoned vip after since.
func noPoison(t *testing.T, c *testnet.Capture, src, vip string, since time.Time) {
	t.Helper()
	if at, ok := firstPoison(c, src, vip, since); ok {
		t.Errorf("%s poisoned at %s", vip, at.Format("15:04:05.000"))
	}
}
