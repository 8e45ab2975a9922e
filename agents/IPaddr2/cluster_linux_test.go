package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/agenttest"

	"github.com/ocfnet/ocfnet/internal/testnet"
)

// TestLinuxCluster: a two-node Pacemaker/Corosync cluster runs the
// README's crm definition (nic and netmask chosen on the node), a client
// on the LAN reaches the VIP, a planned move (standby) keeps the client's
// outage short, and a VIP deleted behind the cluster's back is recovered
// through monitor.
func TestLinuxCluster(t *testing.T) {
	testnet.RequireRoot(t)
	agenttest.Need(t, agenttest.OCFDir+"/IPaddr2")
	crm := testnet.DocumentedCRM(t, "../../README.md", "IPaddr2")
	ip := ""
	for _, f := range crm {
		if v, ok := strings.CutPrefix(f, "ip="); ok {
			ip = v
		}
	}
	net := testnet.New(t)
	lan := net.NS("lan")
	br := net.Bridge(lan, "br0")
	client := net.NS("client")
	net.Port(client, "eth0", lan, br)
	client.IP(t, "addr", "add", "192.168.1.50/24", "dev", "eth0")
	c := net.Cluster(t, lan, br, []string{"nA", "nB"}, []string{"192.168.1.11/24", "192.168.1.12/24"})
	nA := c.Nodes[0]

	nA.Run(t, crm...)
	where := c.WaitWhere(t, "vip", "", 30*time.Second)
	holder, other := c.Node(where), c.Other(where)
	if !holder.NS.HasAddr(t, "eth0", ip+"/24") {
		t.Fatalf("%s runs vip but eth0 has %v", where, holder.NS.Addrs(t, "eth0"))
	}
	ping := client.Ping(t, ip, 5*time.Millisecond, 60*time.Second)
	time.Sleep(500 * time.Millisecond)

	moved := time.Now()
	nA.Run(t, "crm_standby", "-N", holder.Name, "-v", "on")
	c.WaitWhere(t, "vip", other.Name, 30*time.Second)
	for !other.NS.HasAddr(t, "eth0", ip+"/24") {
		time.Sleep(5 * time.Millisecond)
	}
	took := time.Since(moved)
	ping.Wait(10*time.Second, func(r testnet.PingResult) bool { return r.RepliesAfter(moved.Add(took)) > 0 })
	res := ping.Stop()
	if res.RepliesAfter(moved.Add(took)) == 0 {
		t.Fatal("the client gets no replies after the move")
	}
	if gap := res.LongestGap(); gap > 5*time.Second {
		t.Errorf("longest client outage during a planned move: %v", gap)
	}
	t.Logf("planned move: VIP on %s %v after crm_standby; longest client outage %v (%d/%d replies)",
		other.Name, took, res.LongestGap(), res.Received, res.Sent)
	if holder.NS.HasAddr(t, "eth0", ip+"/24") {
		t.Error("the old node still holds the VIP")
	}

	// Behind the cluster's back: the monitor (10 s) notices and recovers.
	other.NS.IP(t, "addr", "del", ip+"/24", "dev", "eth0")
	deleted := time.Now()
	if !testnet.Eventually(30*time.Second, 20*time.Millisecond, func() bool { return other.NS.HasAddr(t, "eth0", ip+"/24") }) {
		t.Fatalf("VIP not recovered:\n%s", nA.Run(t, "crm_mon", "-1"))
	}
	t.Logf("deleted VIP recovered after %v", time.Since(deleted))
	if out := nA.Run(t, "crm_mon", "-1"); !strings.Contains(out, "monitor") || !strings.Contains(out, "not running") {
		t.Errorf("crm_mon shows no failed monitor:\n%s", out)
	}

	// Unplanned: the node holding the VIP loses power; the other one, back
	// from standby, takes over once Corosync declares the node lost.
	holder.Run(t, "crm_standby", "-N", holder.Name, "-v", "off")
	time.Sleep(time.Second)
	if w := c.Where(t, "vip"); w != other.Name {
		t.Fatalf("vip moved to %q when %s left standby", w, holder.Name)
	}
	ping = client.Ping(t, ip, 5*time.Millisecond, 60*time.Second)
	time.Sleep(300 * time.Millisecond)
	failed := time.Now()
	other.NS.PowerOff(t, "eth0")
	if !testnet.Eventually(30*time.Second, 5*time.Millisecond, func() bool { return holder.NS.HasAddr(t, "eth0", ip+"/24") }) {
		t.Fatalf("%s did not take the VIP over:\n%s", holder.Name, holder.Run(t, "crm_mon", "-1"))
	}
	took = time.Since(failed)
	ping.Wait(10*time.Second, func(r testnet.PingResult) bool { return r.RepliesAfter(failed.Add(took)) > 0 })
	res = ping.Stop()
	if res.RepliesAfter(failed.Add(took)) == 0 {
		t.Fatal("the client gets no replies after the takeover")
	}
	t.Logf("power failure of %s: VIP on %s after %v; longest client outage %v", other.Name, holder.Name, took, res.LongestGap())
}
