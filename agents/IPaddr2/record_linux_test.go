package main

import (
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/netif"
)

// TestLinuxStopFollowsRecord: stop removes the VIP where start put it,
// whatever the interface is called now and whatever nic and cidr_netmask
// stop is given; monitor finds it there too. Before, stop returned 0 and
// left the VIP in each case.
func TestLinuxStopFollowsRecord(t *testing.T) {
	n, _ := oneLink(t)
	net2 := testnet.New(t)
	q := net2.NS("q")
	net2.Veth(n.ns, "eth1", q, "eth0")
	n.ns.IP(t, "addr", "add", "192.168.61.1/24", "dev", "eth1")
	vip24 := netip.MustParsePrefix(vip + "/24")
	tests := []struct {
		name    string
		start   []string
		prepare func()
		stop    []string
		uplink  string
	}{
		{"interface renamed", []string{"nic=eth0", "cidr_netmask=24"}, func() {
			n.ns.IP(t, "link", "set", "eth0", "down")
			n.ns.IP(t, "link", "set", "eth0", "name", "uplink0")
			n.ns.IP(t, "link", "set", "uplink0", "up")
		}, []string{"nic=eth0", "cidr_netmask=24"}, "uplink0"},
		{"other netmask", nil, nil, []string{"cidr_netmask=16"}, "eth0"},
		{"other nic", nil, nil, []string{"nic=eth1"}, "eth0"},
		{"other nic and netmask", []string{"nic=eth0", "cidr_netmask=24"}, nil, []string{"nic=eth1", "cidr_netmask=25"}, "eth0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if tt.uplink != "eth0" {
					n.ns.IP(t, "link", "set", tt.uplink, "down")
					n.ns.IP(t, "link", "set", tt.uplink, "name", "eth0")
					n.ns.IP(t, "link", "set", "eth0", "up")
				}
			}()
			n.must(t, "start", append([]string{"ip=" + vip, "arp_count=1"}, tt.start...)...)
			if tt.prepare != nil {
				tt.prepare()
			}
			stopParams := append([]string{"ip=" + vip}, tt.stop...)
			n.expect(t, 0, "monitor", append(stopParams, recurring())...)
			n.expect(t, 0, "stop", stopParams...)
			if s := n.state(t, vip24, tt.uplink); s.held || len(s.elsewhere) > 0 {
				t.Fatalf("stop returned 0 and left the VIP: %+v", s)
			}
			n.expect(t, 7, "monitor", stopParams...)
		})
	}
	// No record at all: a copy on any interface that is not a loopback is
	// the VIP, whatever nic says.
	n.ns.IP(t, "addr", "add", vip+"/24", "dev", "eth1")
	n.expect(t, 0, "stop", "ip="+vip, "nic=eth0")
	if s := n.state(t, vip24, "eth0"); len(s.elsewhere) > 0 {
		t.Fatalf("stop returned 0 and left the VIP on eth1: %+v", s)
	}
}

// TestLinuxNoARPAfterStop: no ARP packet for the VIP leaves after stop
// returned, even from a sender monitor spawned but could not record
// (before: that sender was invisible to stop and announced for seconds
// after it), and a sender whose spawner was killed before recording it
// sends nothing at all.
func TestLinuxNoARPAfterStop(t *testing.T) {
	n, peer := oneLink(t)
	ip := netip.MustParseAddr(vip)
	log := logARP(t, n.ns, peer, "eth0", "eth0", netip.MustParseAddr("192.168.60.250"))
	pidfile := n.rsctmp + "/" + garpPidfileName(ip)
	refresh := []string{"ip=" + vip, "arp_count=1", "arp_count_refresh=40", "arp_interval=100", recurring()}

	t.Run("pid file unwritable", func(t *testing.T) {
		n.must(t, "start", "ip="+vip, "arp_count=1")
		// A directory where the pid file goes: it can be neither written
		// nor read.
		if err := os.MkdirAll(pidfile+"/x", 0o755); err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(pidfile)
		before := log.markNow(t)
		n.expect(t, 0, "monitor", refresh...)
		time.Sleep(300 * time.Millisecond) // three intervals: a sender would be announcing by now
		n.must(t, "stop", "ip="+vip)
		stopped := log.markNow(t)
		if s := sendersOf(n.rsctmp, ip); len(s) > 0 {
			t.Errorf("senders %v alive after stop", s)
		}
		time.Sleep(500 * time.Millisecond)
		if late := log.between(ip, stopped, log.markNow(t)); late > 0 {
			t.Errorf("%d ARP packets for the VIP after stop returned", late)
		}
		t.Logf("%d packets before stop from a sender that could not be recorded", log.between(ip, before, stopped))
	})
	t.Run("spawner killed", func(t *testing.T) {
		n.must(t, "start", "ip="+vip, "arp_count=1")
		before := log.markNow(t)
		if code := n.runKillable(t, []string{"OCFNET_IPADDR2_CRASH_AT=spawned"}, 0, "monitor", refresh...); code != -1 {
			t.Fatalf("monitor was not killed at the crash point: code %d", code)
		}
		time.Sleep(300 * time.Millisecond)
		if got := log.between(ip, before, log.markNow(t)); got > 0 {
			t.Errorf("an unrecorded sender sent %d packets", got)
		}
		if s := sendersOf(n.rsctmp, ip); len(s) > 0 {
			t.Errorf("unrecorded senders %v still alive", s)
		}
		n.must(t, "stop", "ip="+vip)
	})
}

// TestLinuxPartialStatesProbe: a probe that finds part of the resource
// answers 1, so that Pacemaker runs stop, and stop removes or restores all
// of it; a clean node then probes 7. Before, both probed 7 (not running),
// and Pacemaker would never have run stop.
func TestLinuxPartialStatesProbe(t *testing.T) {
	t.Run("LVS copy removed, VIP not held", func(t *testing.T) {
		n, _ := oneLink(t)
		// What a start killed after removing the copy from lo leaves.
		lo := strconv.Itoa(linkIndex(t, n.ns, "lo"))
		eth0 := strconv.Itoa(linkIndex(t, n.ns, "eth0"))
		rec := `{"nic":"eth0","index":` + eth0 + `,"bits":24,"loopback":["` + vip + `/32"],"loop_index":` + lo + `}`
		if err := os.WriteFile(n.rsctmp+"/"+recordName(netip.MustParseAddr(vip)), []byte(rec), 0o600); err != nil {
			t.Fatal(err)
		}
		p := []string{"ip=" + vip, "lvs_support=true"}
		n.expect(t, 1, "monitor", p...)
		n.must(t, "stop", p...)
		if !n.ns.HasAddr(t, "lo", vip+"/32") {
			t.Fatal("stop did not restore the LVS copy")
		}
		n.expect(t, 7, "monitor", p...)
	})
	t.Run("IPv6 address label left", func(t *testing.T) {
		n, _ := oneLink6(t)
		n.ns.IP(t, "addrlabel", "add", "prefix", vip6+"/128", "label", "99")
		p := []string{"ip=" + vip6}
		n.expect(t, 1, "monitor", p...)
		n.must(t, "stop", p...)
		if got := addrLabels(t, n.ns); containsPrefix(got, vip6+"/128") {
			t.Fatalf("stop left the address label: %s", got)
		}
		n.expect(t, 7, "monitor", p...)
	})
}

// linkIndex returns the index of an interface in ns.
func linkIndex(t *testing.T, ns *testnet.NS, name string) int {
	t.Helper()
	var index int
	var err error
	ns.Do(t, func() {
		var h *netif.Host
		if h, err = netif.Open(); err != nil {
			return
		}
		defer h.Close()
		var l netif.Link
		l, err = h.Link(name)
		index = l.Index
	})
	if err != nil {
		t.Fatal(err)
	}
	return index
}

// containsPrefix reports whether ip addrlabel list output has prefix.
func containsPrefix(list, prefix string) bool {
	return strings.Contains(list, "prefix "+prefix+" ")
}

// TestLinuxStopRemovesTemps: the temp files a killed write of the
// resource's state left behind are gone after stop, at once for this
// VIP's files, after they are stale for others'. Before, they stayed
// forever.
func TestLinuxStopRemovesTemps(t *testing.T) {
	n, _ := oneLink(t)
	ip := netip.MustParseAddr(vip)
	n.must(t, "start", "ip="+vip, "arp_count=1")
	own := []string{"." + recordName(ip) + ".tmp-1234", "." + garpPidfileName(ip) + ".tmp-99"}
	other, otherFresh := ".ocfnet-IPaddr2-192.168.60.77.tmp-5", ".ocfnet-IPaddr2-192.168.60.78.tmp-6"
	for _, name := range append(own, other, otherFresh) {
		if err := os.WriteFile(n.rsctmp+"/"+name, []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(n.rsctmp+"/"+other, old, old); err != nil {
		t.Fatal(err)
	}
	n.must(t, "stop", "ip="+vip)
	for _, name := range append(own, other) {
		if _, err := os.Stat(n.rsctmp + "/" + name); err == nil {
			t.Errorf("%s left after stop", name)
		}
	}
	// Another VIP's fresh temp may belong to a live writer.
	if _, err := os.Stat(n.rsctmp + "/" + otherFresh); err != nil {
		t.Errorf("another VIP's fresh temp file removed: %v", err)
	}
}

// TestLinuxStopKeepsLVSCopy: a stop with no record and no route (the
// interface down, HA_RSCTMP lost) removes the VIP but not an LVS real
// server's copy on lo. Before, it removed both.
func TestLinuxStopKeepsLVSCopy(t *testing.T) {
	n, _ := oneLink(t)
	n.ns.IP(t, "addr", "add", vip+"/32", "dev", "lo")
	n.ns.IP(t, "addr", "add", vip+"/24", "dev", "eth0")
	n.ns.IP(t, "link", "set", "eth0", "down")
	n.must(t, "stop", "ip="+vip, "lvs_support=true")
	if n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Error("stop left the VIP")
	}
	if !n.ns.HasAddr(t, "lo", vip+"/32") {
		t.Error("stop removed the LVS copy from lo")
	}
}
