package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/netif/netiftest"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"golang.org/x/sys/unix"
)

// noState reports whether dir holds no record of a start.
func noState(t *testing.T, dir string) bool {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "ocfnet-IPaddr2-*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m) == 0
}

// TestStartFake: start puts the VIP where resolve chooses, brings a down
// link up, and on every failure after a change undoes all it did: the
// VIP, the link state, the loopback copies it removed, the address label
// and the record.
func TestStartFake(t *testing.T) {
	v4 := map[string]string{"ip": "192.168.2.100"}
	with := func(extra ...string) map[string]string {
		m := map[string]string{}
		for k, v := range v4 {
			m[k] = v
		}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	v6 := map[string]string{"ip": "2001:db8:1::99", "nodad": "true", "lvs_ipv6_addrlabel": "true"}
	loCopy := netif.Addr{Prefix: pfx("192.168.2.100/32"), LinkIndex: fakeLo.Index, Label: "lo"}
	tests := []struct {
		name   string
		params map[string]string
		setup  func(k *netiftest.Kernel)
		code   ocf.Code
		reason string // part of the exit reason
		check  func(k *netiftest.Kernel) string
	}{
		{"placed with label and broadcast", with("iflabel", "vip"), nil, ocf.Success, "", func(k *netiftest.Kernel) string {
			held := holding(k, "192.168.2.100")
			if len(held) != 1 || held[0].Prefix != pfx("192.168.2.100/24") || held[0].LinkIndex != fakeEth1.Index ||
				held[0].Label != "fake-eth1:vip" || held[0].Broadcast != ip("192.168.2.255") {
				return "the VIP is not as chosen"
			}
			return ""
		}},
		{"noprefixroute", with("noprefixroute", "true"), nil, ocf.Success, "", func(k *netiftest.Kernel) string {
			if held := holding(k, "192.168.2.100"); len(held) != 1 || held[0].Flags&netif.FlagNoPrefixRoute == 0 {
				return "added without IFA_F_NOPREFIXROUTE"
			}
			return ""
		}},
		{"a link that is down is brought up", map[string]string{"ip": "10.20.3.4"}, nil, ocf.Success, "", func(k *netiftest.Kernel) string {
			if l, _ := k.Link(fakeEth2.Index); !l.AdminUp || len(holding(k, "10.20.3.4")) != 1 {
				return "the link was not brought up with the VIP"
			}
			return ""
		}},
		{"rollback: the link does not come up", map[string]string{"ip": "10.20.3.4"},
			func(k *netiftest.Kernel) { k.Fail(unix.RTM_NEWLINK, 1, unix.ENODEV) }, ocf.ErrGeneric, "failed to add IP", nil},
		{"rollback: no carrier", v4, func(k *netiftest.Kernel) { k.Links[2].OperDown = true }, ocf.ErrGeneric, "no carrier", nil},
		{"no carrier, not checked", with("check_link_status", "false"), func(k *netiftest.Kernel) { k.Links[2].OperDown = true },
			ocf.Success, "", nil},
		{"the add fails", v4, func(k *netiftest.Kernel) { k.Fail(unix.RTM_NEWADDR, 1, unix.EEXIST) }, ocf.ErrGeneric, "failed to add IP", nil},
		{"lvs_support: the loopback copy makes way", with("lvs_support", "true"),
			func(k *netiftest.Kernel) { k.Addrs = append(k.Addrs, loCopy) }, ocf.Success, "", func(k *netiftest.Kernel) string {
				if held := holding(k, "192.168.2.100"); len(held) != 1 || held[0].LinkIndex != fakeEth1.Index {
					return "the loopback copy was not removed for the VIP"
				}
				return ""
			}},
		{"rollback: the loopback copy comes back", with("lvs_support", "true"), func(k *netiftest.Kernel) {
			k.Addrs = append(k.Addrs, loCopy)
			k.Fail(unix.RTM_NEWADDR, 1, unix.ENOSPC)
		}, ocf.ErrGeneric, "failed to add IP", func(k *netiftest.Kernel) string {
			if held := holding(k, "192.168.2.100"); len(held) != 1 || held[0] != loCopy {
				return "the loopback copy was not restored"
			}
			return ""
		}},
		{"rollback: removing the loopback copy fails", with("lvs_support", "true"), func(k *netiftest.Kernel) {
			k.Addrs = append(k.Addrs, loCopy)
			k.Fail(unix.RTM_DELADDR, 1, unix.EPERM)
		}, ocf.ErrGeneric, "lvs_support", func(k *netiftest.Kernel) string {
			if held := holding(k, "192.168.2.100"); len(held) != 1 || held[0] != loCopy {
				return "the loopback copy is not there"
			}
			return ""
		}},
		{"IPv6 with an address label", v6, nil, ocf.Success, "", func(k *netiftest.Kernel) string {
			if k.Labels[pfx("2001:db8:1::99/128")] != 99 || len(holding(k, "2001:db8:1::99")) != 1 {
				return "no VIP with its address label"
			}
			return ""
		}},
		{"rollback: the address label goes", v6, func(k *netiftest.Kernel) { k.Fail(unix.RTM_NEWADDR, 1, unix.ENOSPC) },
			ocf.ErrGeneric, "failed to add IP", func(k *netiftest.Kernel) string {
				if len(k.Labels) != 0 {
					return "the address label was left"
				}
				return ""
			}},
		{"the label cannot be added", v6, func(k *netiftest.Kernel) { k.Fail(unix.RTM_NEWADDRLABEL, 1, unix.ENOSPC) },
			ocf.ErrGeneric, "lvs_ipv6_addrlabel", nil},
		{"already there without the label asked", with("iflabel", "vip"), func(k *netiftest.Kernel) {
			k.Addrs = append(k.Addrs, netif.Addr{Prefix: pfx("192.168.2.100/24"), LinkIndex: fakeEth1.Index, Label: "fake-eth1"})
		}, ocf.ErrGeneric, "without label", nil},
		{"nic missing on this node", with("nic", "fake-eth9"), nil, ocf.ErrInstalled, "does not exist on this node", nil},
		{"no route chooses an interface", map[string]string{"ip": "198.51.100.1"}, nil, ocf.ErrGeneric, "no route", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := fakeNode()
			if tt.setup != nil {
				tt.setup(k)
			}
			before := len(k.Addrs)
			dir := t.TempDir()
			code, stderr := runAgent(t, k, dir, "start", tt.params)
			if code != tt.code || !strings.Contains(exitReason(stderr), tt.reason) {
				t.Fatalf("code %d, reason %q; want %d, %q\n%s", code, exitReason(stderr), tt.code, tt.reason, stderr)
			}
			if tt.check != nil {
				if bad := tt.check(k); bad != "" {
					t.Errorf("%s: %+v", bad, k.Addrs)
				}
			}
			if code == ocf.Success || tt.reason == "without label" {
				return
			}
			// A failed start leaves the host and the state as they were.
			if len(k.Addrs) != before {
				t.Errorf("%d addresses after a failed start, %d before: %+v", len(k.Addrs), before, k.Addrs)
			}
			for i, l := range fakeNode().Links {
				if k.Links[i].AdminUp != l.AdminUp {
					t.Errorf("%s left administratively up=%v", l.Name, k.Links[i].AdminUp)
				}
			}
			if len(k.Labels) != 0 {
				t.Errorf("address labels left: %v", k.Labels)
			}
			if !noState(t, dir) {
				t.Error("a failed start left its record")
			}
		})
	}
}

// TestStartTwiceFake: a second start finds the VIP in place and changes
// nothing on the host.
func TestStartTwiceFake(t *testing.T) {
	for _, params := range []map[string]string{
		{"ip": "192.168.2.100", "iflabel": "vip"},
		{"ip": "192.168.1.100", "cidr_netmask": "24", "nic": "fake-uplink"},
		{"ip": "2001:db8:1::99", "nodad": "true", "lvs_ipv6_addrlabel": "true"},
	} {
		k := fakeNode()
		dir := t.TempDir()
		for i := range 2 {
			before := changes(k)
			code, stderr := runAgent(t, k, dir, "start", params)
			if code != ocf.Success {
				t.Fatalf("%v: start %d: %d %s", params, i+1, code, stderr)
			}
			if i == 1 && changes(k) != before {
				t.Errorf("%v: the second start changed the host: %+v", params, k.Requests)
			}
		}
		if n := len(holding(k, params["ip"])); n != 1 {
			t.Errorf("%v: %d copies of the VIP after two starts", params, n)
		}
	}
}
