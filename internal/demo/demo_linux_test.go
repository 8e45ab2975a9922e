//go:build demo

package demo

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/agenttest"
	"github.com/ocfnet/ocfnet/internal/testnet"
)

const (
	readme = "../../README.md"
	lanVIP = "192.168.1.100"  // the README's IPaddr2 example
	ripVIP = "192.168.13.229" // the README's VIPArip example
)

var began = time.Now()

// say prints one narrated step.
func say(format string, args ...any) {
	fmt.Printf("[%6.2fs] %s\n", time.Since(began).Seconds(), fmt.Sprintf(format, args...))
}

type row struct{ step, vip, figure string }

func TestDemo(t *testing.T) {
	testnet.RequireRoot(t)
	agenttest.Need(t, agenttest.OCFDir+"/IPaddr2", agenttest.OCFDir+"/VIPArip")
	var summary []row
	// Every temporary file of the demo (daemon configurations and logs)
	// lives below one directory, removed at the end or on interruption.
	// The daemons' own users must be able to reach their directories.
	tmp, err := os.MkdirTemp("", "ocfnet-demo-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	t.Cleanup(func() { os.RemoveAll(tmp) })
	net := testnet.New(t)
	// Ctrl-C or kill: tear the topology down before exiting.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		fmt.Println("\ninterrupted: removing the namespaces and everything running in them")
		net.Destroy()
		os.RemoveAll(tmp)
		os.Exit(130)
	}()

	say("building the topology: nodes nA and nB on a LAN with a client; each node's uplink to a router running FRR ripd; a remote client behind the router")
	lan := net.NS("lan")
	br := net.Bridge(lan, "br0")
	client := net.NS("client")
	net.Port(client, "eth0", lan, br)
	client.IP(t, "addr", "add", "192.168.1.50/24", "dev", "eth0")
	c := net.Cluster(t, lan, br, []string{"nA", "nB"}, []string{"192.168.1.11/24", "192.168.1.12/24"})
	router, remote, uplink := net.RIPUplinks(t, c)
	router.StartFRR(t, "router rip\n version 2\n network eth0\n network eth1\nexit\n").WaitRIP(t, "eth0", "eth1")
	say("cluster formed: %s", strings.TrimSpace(strings.SplitN(grepLine(c.Nodes[0].Run(t, "crm_mon", "-1"), "Online:"), "\n", 2)[0]))

	nA, nB := c.Node("nA"), c.Node("nB")
	// Without stickiness Pacemaker spreads resources again whenever a node
	// comes back; the README recommends keeping them where they run.
	say("crm configure rsc_defaults resource-stickiness=100 (as the README recommends)")
	nA.Run(t, "crm", "configure", "rsc_defaults", "resource-stickiness=100")
	for _, agent := range []string{"IPaddr2", "VIPArip"} {
		cmd := testnet.DocumentedCRM(t, readme, agent)
		say("defining with the README's line: %s", strings.Join(cmd, " "))
		nA.Run(t, cmd...)
	}
	at := c.WaitWhere(t, "vip", "", 30*time.Second)
	say("vip (IPaddr2, %s) started on %s: nic and netmask chosen from its routing table", lanVIP, at)
	rat := c.WaitWhere(t, "rvip", "", 30*time.Second)
	routed(t, router, ripVIP, uplink[rat], 10*time.Second)
	say("rvip (VIPArip, %s) started on %s; the router routes it via %s", ripVIP, rat, uplink[rat])
	reach(t, client, lanVIP, "the LAN client")
	reach(t, remote, ripVIP, "the remote client")

	// Both on nA, so that putting nA in standby moves both.
	for _, rsc := range []string{"vip", "rvip"} {
		if c.Where(t, rsc) != "nA" {
			nA.Run(t, "crm_resource", "--move", "--resource", rsc, "--node", "nA")
			c.WaitWhere(t, rsc, "nA", 30*time.Second)
			nA.Run(t, "crm_resource", "--clear", "--resource", rsc)
		}
	}
	routed(t, router, ripVIP, uplink["nA"], 10*time.Second)
	say("both VIPs on nA; clients ping every 5 ms from now on")

	p1, p2 := client.Ping(t, lanVIP, 5*time.Millisecond, 120*time.Second), remote.Ping(t, ripVIP, 5*time.Millisecond, 120*time.Second)
	time.Sleep(500 * time.Millisecond)
	say("planned move: crm_standby -N nA -v on")
	moved := time.Now()
	nA.Run(t, "crm_standby", "-N", "nA", "-v", "on")
	c.WaitWhere(t, "vip", "nB", 30*time.Second)
	c.WaitWhere(t, "rvip", "nB", 30*time.Second)
	routed(t, router, ripVIP, uplink["nB"], 10*time.Second)
	took := time.Since(moved)
	time.Sleep(700 * time.Millisecond)
	r1, r2 := p1.Stop(), p2.Stop()
	say("both VIPs on nB %v after the command; longest outage: LAN client %v, remote client %v", took.Round(time.Millisecond), r1.LongestGap().Round(time.Millisecond), r2.LongestGap().Round(time.Millisecond))
	summary = append(summary, row{"planned move (standby nA)", "IPaddr2 " + lanVIP, r1.LongestGap().Round(time.Millisecond).String()},
		row{"planned move (standby nA)", "VIPArip " + ripVIP, r2.LongestGap().Round(time.Millisecond).String()})
	nA.Run(t, "crm_standby", "-N", "nA", "-v", "off")
	time.Sleep(time.Second)
	if v, r := c.Where(t, "vip"), c.Where(t, "rvip"); v != "nB" || r != "nB" {
		t.Fatalf("after nA came back: vip on %q, rvip on %q, want both on nB", v, r)
	}
	say("nA back online; both VIPs stay on nB")

	p1, p2 = client.Ping(t, lanVIP, 5*time.Millisecond, 120*time.Second), remote.Ping(t, ripVIP, 5*time.Millisecond, 120*time.Second)
	time.Sleep(500 * time.Millisecond)
	say("unplanned failure: nB loses power (every process in it killed, its links down)")
	failed := time.Now()
	nB.NS.PowerOff(t, "eth0", "eth1")
	c.WaitWhere(t, "vip", "nA", 60*time.Second)
	c.WaitWhere(t, "rvip", "nA", 60*time.Second)
	routed(t, router, ripVIP, uplink["nA"], 10*time.Second)
	took = time.Since(failed)
	time.Sleep(700 * time.Millisecond)
	r1, r2 = p1.Stop(), p2.Stop()
	say("nA serves both %v after the failure; longest outage: LAN client %v, remote client %v", took.Round(time.Millisecond), r1.LongestGap().Round(time.Millisecond), r2.LongestGap().Round(time.Millisecond))
	summary = append(summary, row{"power failure of nB", "IPaddr2 " + lanVIP, r1.LongestGap().Round(time.Millisecond).String()},
		row{"power failure of nB", "VIPArip " + ripVIP, r2.LongestGap().Round(time.Millisecond).String()})

	say("behind the cluster's back: ip addr del %s/24 dev eth0 on nA", lanVIP)
	nA.NS.IP(t, "addr", "del", lanVIP+"/24", "dev", "eth0")
	deleted := time.Now()
	if !testnet.Eventually(60*time.Second, 20*time.Millisecond, func() bool { return nA.NS.HasAddr(t, "eth0", lanVIP+"/24") }) {
		t.Fatalf("not recovered:\n%s", nA.Run(t, "crm_mon", "-1"))
	}
	rec := time.Since(deleted)
	say("the 10 s monitor noticed and Pacemaker restored the VIP %v later", rec.Round(time.Millisecond))
	summary = append(summary, row{"VIP deleted by hand", "IPaddr2 " + lanVIP, "recovered in " + rec.Round(time.Millisecond).String()})

	fmt.Printf("\n%-28s %-24s %s\n", "step", "VIP", "longest client outage")
	for _, r := range summary {
		fmt.Printf("%-28s %-24s %s\n", r.step, r.vip, r.figure)
	}
	fmt.Println("\ncleaning up: namespaces, daemons and their private mounts are removed")
}

func grepLine(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, prefix) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

func routed(t *testing.T, router *testnet.NS, ip, gw string, within time.Duration) {
	t.Helper()
	if _, ok := router.WaitRoute(t, ip, within, func(r testnet.Route, found bool) bool {
		return found && len(r.Via()) == 1 && r.Via()[0] == gw
	}); !ok {
		t.Fatalf("router does not route %s via %s", ip, gw)
	}
}

func reach(t *testing.T, from *testnet.NS, ip, who string) {
	t.Helper()
	p := from.Ping(t, ip, 20*time.Millisecond, 30*time.Second)
	p.Wait(10*time.Second, func(r testnet.PingResult) bool { return r.Received > 0 })
	res := p.Stop()
	if res.Received == 0 {
		t.Fatalf("%s cannot reach %s", who, ip)
	}
	say("%s reaches %s (%d/%d replies)", who, ip, res.Received, res.Sent)
}
