package main

import (
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
)

// lanOfThree builds two nodes and a client, each with an eth0 on one
// bridge, for the tests in which clients follow a moving VIP.
func lanOfThree(t *testing.T) (nsA, nsB, client *testnet.NS) {
	testnet.RequireRoot(t)
	net := testnet.New(t)
	lan := net.NS("lan")
	br := net.Bridge(lan, "br0")
	nsA, nsB, client = net.NS("a"), net.NS("b"), net.NS("client")
	for _, ns := range []*testnet.NS{nsA, nsB, client} {
		net.Port(ns, "eth0", lan, br)
	}
	return nsA, nsB, client
}

// TestLinuxClientsFollow moves a VIP between two nodes on one LAN while a
// client pings it, and checks that the client's neighbour entry switches to
// the new node's MAC through the gratuitous ARP. The client's entries stay
// REACHABLE for minutes (base_reachable_time 120 s), so without an
// announcement it would keep sending to the old MAC: the control run shows
// exactly that.
func TestLinuxClientsFollow(t *testing.T) {
	nsA, nsB, client := lanOfThree(t)
	nsA.IP(t, "addr", "add", "192.168.62.1/24", "dev", "eth0")
	nsB.IP(t, "addr", "add", "192.168.62.2/24", "dev", "eth0")
	client.IP(t, "addr", "add", "192.168.62.10/24", "dev", "eth0")
	client.Run(t, "sysctl", "-qw", "net.ipv4.neigh.eth0.base_reachable_time_ms=120000")
	const ip = "192.168.62.100"
	macA, macB := nsA.MAC(t, "eth0"), nsB.MAC(t, "eth0")
	a, b := newNode(t, nsA), newNode(t, nsB)

	waitMAC := func(want string, within time.Duration) (time.Duration, bool) {
		start := time.Now()
		for time.Since(start) < within {
			if mac, _, ok := client.Neigh(t, ip); ok && mac == want {
				return time.Since(start), true
			}
			time.Sleep(2 * time.Millisecond)
		}
		return time.Since(start), false
	}

	// Control: move the address by hand, with no announcement.
	nsA.IP(t, "addr", "add", ip+"/24", "dev", "eth0")
	control := client.Ping(t, ip, 5*time.Millisecond, 30*time.Second)
	if _, ok := waitMAC(macA, 5*time.Second); !ok {
		t.Fatal("control: client never learned node A's MAC")
	}
	nsA.IP(t, "addr", "del", ip+"/24", "dev", "eth0")
	nsB.IP(t, "addr", "add", ip+"/24", "dev", "eth0")
	if _, ok := waitMAC(macB, 2*time.Second); ok {
		t.Fatal("control: the client switched without any announcement; the check below would prove nothing")
	}
	control.Stop()
	nsB.IP(t, "addr", "del", ip+"/24", "dev", "eth0")

	// The agents: start on A, then move to B.
	p := []string{"ip=" + ip}
	a.must(t, "start", p...)
	ping := client.Ping(t, ip, 5*time.Millisecond, 30*time.Second)
	if _, ok := waitMAC(macA, 5*time.Second); !ok {
		t.Fatal("client does not reach the VIP on node A")
	}
	time.Sleep(1500 * time.Millisecond) // past the neighbour locktime of A's announcements
	moved := time.Now()
	a.must(t, "stop", p...)
	b.must(t, "start", p...)
	startDone := time.Since(moved)
	took, ok := waitMAC(macB, 10*time.Second)
	if !ok {
		t.Fatal("the client's neighbour entry never switched to node B: no gratuitous ARP reached it")
	}
	time.Sleep(300 * time.Millisecond)
	res := ping.Stop()
	if res.Received == 0 {
		t.Fatal("the client got no replies at all")
	}
	if _, ok := waitMAC(macB, time.Second); !ok {
		t.Error("client entry moved away from node B again")
	}
	t.Logf("move: stop A + start B took %v; client neighbour entry switched %v after the move began; longest ping gap %v (%d/%d replies)",
		startDone, took+startDone, res.LongestGap(), res.Received, res.Sent)
}
