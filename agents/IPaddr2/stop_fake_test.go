package main

import (
	"strings"
	"testing"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/netif/netiftest"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"golang.org/x/sys/unix"
)

// TestMonitorAndStopFake: monitor and stop find the VIP where start put
// it, by its record, whatever has changed since in the parameters, the
// routing table or the interface's name; without a record, where the
// parameters and the routes put it. Stop removes every copy but an LVS
// real server's on loopback, undoes start's side effects, and fails
// while the VIP stays.
func TestMonitorAndStopFake(t *testing.T) {
	vip := "192.168.1.100" // eth1's /25 holds it, eth0's /24 too
	started := map[string]string{"ip": vip}
	eth0Copy := netif.Addr{Prefix: pfx(vip + "/24"), LinkIndex: fakeEth0.Index, Label: "fake-eth0", Broadcast: ip("192.168.1.255")}
	loCopy := netif.Addr{Prefix: pfx(vip + "/32"), LinkIndex: fakeLo.Index, Label: "lo"}
	tests := []struct {
		name   string
		start  map[string]string // nil: no start
		change func(k *netiftest.Kernel)
		action string // monitor, probe or stop
		params map[string]string
		code   ocf.Code
		reason string
		left   int // copies of the VIP afterwards
	}{
		{"monitor after start", started, nil, "monitor", started, ocf.Success, "", 1},
		{"monitor: the route is gone", started, func(k *netiftest.Kernel) { k.Routes = k.Routes[:0] },
			"monitor", started, ocf.Success, "", 1},
		{"monitor: the interface renamed", started, func(k *netiftest.Kernel) { k.Links[2].Name = "renamed" },
			"monitor", started, ocf.Success, "", 1},
		{"monitor: the parameters changed", started, nil, "monitor",
			map[string]string{"ip": vip, "nic": "fake-eth0", "cidr_netmask": "24"}, ocf.Success, "", 1},
		{"monitor: the VIP removed by hand", started, func(k *netiftest.Kernel) { k.Addrs = k.Addrs[:5] },
			"monitor", started, ocf.NotRunning, "", 0},
		{"monitor: only a copy elsewhere", started, func(k *netiftest.Kernel) { k.Addrs = append(k.Addrs[:5], eth0Copy) },
			"monitor", started, ocf.NotRunning, "", 1},
		{"probe: only a copy elsewhere", started, func(k *netiftest.Kernel) { k.Addrs = append(k.Addrs[:5], eth0Copy) },
			"probe", started, ocf.ErrGeneric, "partly started", 1},
		{"probe: the LVS copy missing", map[string]string{"ip": vip, "lvs_support": "true"}, func(k *netiftest.Kernel) {
			k.Addrs = k.Addrs[:5] // the VIP removed by hand: the copy start took away is not back
		}, "probe", started, ocf.ErrGeneric, "is missing from loopback", 0},
		{"monitor: the label missing", map[string]string{"ip": vip}, nil, "monitor",
			map[string]string{"ip": vip, "iflabel": "vip"}, ocf.ErrGeneric, "lacks label", 1},
		{"monitor: the link down", started, func(k *netiftest.Kernel) { k.Links[2].AdminUp = false },
			"monitor", started, ocf.NotRunning, "", 1},
		{"without a record: by the routes", nil, func(k *netiftest.Kernel) {
			k.Addrs = append(k.Addrs, netif.Addr{Prefix: pfx(vip + "/25"), LinkIndex: fakeEth1.Index})
		}, "monitor", started, ocf.Success, "", 1},
		{"without a record: another prefix is not ours", nil, func(k *netiftest.Kernel) { k.Addrs = append(k.Addrs, eth0Copy) },
			"monitor", started, ocf.NotRunning, "", 1},
		{"without a record: no route", nil, nil, "monitor", map[string]string{"ip": "198.51.100.1"},
			ocf.ErrGeneric, "unable to find nic or netmask", 0},
		{"probe without a record: no route", nil, nil, "probe", map[string]string{"ip": "198.51.100.1"}, ocf.NotRunning, "", 0},
		{"stop after start", started, nil, "stop", started, ocf.Success, "", 0},
		{"stop: by the record, whatever changed", started, func(k *netiftest.Kernel) {
			k.Links[2].Name = "renamed"
			k.Routes = k.Routes[:0]
		}, "stop", map[string]string{"ip": vip, "nic": "fake-eth0", "cidr_netmask": "24"}, ocf.Success, "", 0},
		{"stop: a copy elsewhere goes too", started, func(k *netiftest.Kernel) { k.Addrs = append(k.Addrs, eth0Copy) },
			"stop", started, ocf.Success, "", 0},
		{"stop: an LVS real server's copy stays", nil, func(k *netiftest.Kernel) { k.Addrs = append(k.Addrs, loCopy, eth0Copy) },
			"stop", started, ocf.Success, "", 1},
		{"stop: lvs_support puts the loopback copy back", map[string]string{"ip": vip, "lvs_support": "true"},
			nil, "stop", started, ocf.Success, "", 1},
		{"stop of nothing", nil, nil, "stop", started, ocf.Success, "", 0},
		{"stop: a VIP start put on loopback, by its record", map[string]string{"ip": "127.0.0.2"},
			func(k *netiftest.Kernel) { k.Routes = k.Routes[:0] }, "stop", map[string]string{"ip": "127.0.0.2"}, ocf.Success, "", 0},
		{"stop: the removal fails", started, func(k *netiftest.Kernel) { k.Fail(unix.RTM_DELADDR, 1, unix.EPERM) },
			"stop", started, ocf.ErrGeneric, "unable to remove", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := fakeNode()
			if strings.Contains(tt.name, "lvs_support") || strings.Contains(tt.name, "LVS copy missing") {
				k.Addrs = append(k.Addrs, loCopy) // a real server's copy that start removes
			}
			dir := t.TempDir()
			if tt.start != nil {
				if code, stderr := runAgent(t, k, dir, "start", tt.start); code != ocf.Success {
					t.Fatalf("start: %d %s", code, stderr)
				}
			}
			if tt.change != nil {
				tt.change(k)
			}
			code, stderr := runAgent(t, k, dir, tt.action, tt.params)
			if code != tt.code || !strings.Contains(exitReason(stderr), tt.reason) {
				t.Errorf("code %d, reason %q; want %d, %q\n%s", code, exitReason(stderr), tt.code, tt.reason, stderr)
			}
			if n := len(holding(k, tt.params["ip"])); n != tt.left {
				t.Errorf("%d copies of the VIP left, want %d: %+v", n, tt.left, k.Addrs)
			}
		})
	}
}

// TestStopUndoesIPv6LabelFake: stop removes the address label start
// added, and the VIP.
func TestStopUndoesIPv6LabelFake(t *testing.T) {
	params := map[string]string{"ip": "2001:db8:1::99", "nodad": "true", "lvs_ipv6_addrlabel": "true"}
	k := fakeNode()
	dir := t.TempDir()
	for _, action := range []string{"start", "stop"} {
		if code, stderr := runAgent(t, k, dir, action, params); code != ocf.Success {
			t.Fatalf("%s: %d %s", action, code, stderr)
		}
	}
	if len(k.Labels) != 0 || len(holding(k, "2001:db8:1::99")) != 0 {
		t.Errorf("after stop: labels %v, addresses %+v", k.Labels, k.Addrs)
	}
}
