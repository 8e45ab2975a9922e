package main

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// TestResolveFake: the interface, prefix, broadcast and label that start
// chooses from the parameters and the fake node's routes and addresses,
// as resource-agents' findif would.
func TestResolveFake(t *testing.T) {
	tests := []struct {
		name      string
		params    map[string]string
		link      string
		prefix    string
		broadcast string // "" none
		label     string
		wantErr   error
	}{
		{"the connected route", map[string]string{"ip": "192.168.2.100"}, "fake-eth1", "192.168.2.100/24", "192.168.2.255", "", nil},
		{"the longest prefix wins", map[string]string{"ip": "192.168.1.100"}, "fake-eth1", "192.168.1.100/25", "192.168.1.127", "", nil},
		{"outside the longer prefix", map[string]string{"ip": "192.168.1.200"}, "fake-eth0", "192.168.1.200/24", "192.168.1.255", "", nil},
		{"the lowest metric wins", map[string]string{"ip": "172.16.5.5"}, "fake-eth1", "172.16.5.5/16", "172.16.255.255", "", nil},
		{"cidr_netmask rules out a longer route", map[string]string{"ip": "192.168.1.100", "cidr_netmask": "24"},
			"fake-eth0", "192.168.1.100/24", "192.168.1.255", "", nil},
		{"a dotted netmask", map[string]string{"ip": "192.168.1.100", "cidr_netmask": "255.255.255.0"},
			"fake-eth0", "192.168.1.100/24", "192.168.1.255", "", nil},
		{"nic rules out a longer route elsewhere", map[string]string{"ip": "192.168.1.100", "nic": "fake-eth0"}, "fake-eth0", "192.168.1.100/24", "192.168.1.255", "", nil},
		{"nic by its alternative name", map[string]string{"ip": "192.168.1.200", "nic": "fake-uplink"}, "fake-eth0", "192.168.1.200/24", "192.168.1.255", "", nil},
		{"nic and cidr_netmask need no route", map[string]string{"ip": "203.0.113.5", "nic": "fake-eth0", "cidr_netmask": "28"},
			"fake-eth0", "203.0.113.5/28", "203.0.113.15", "", nil},
		{"an interface that is down is still chosen", map[string]string{"ip": "10.20.3.4"}, "fake-eth2", "10.20.3.4/16", "10.20.255.255", "", nil},
		{"a label", map[string]string{"ip": "192.168.2.100", "iflabel": "vip"}, "fake-eth1", "192.168.2.100/24", "192.168.2.255", "fake-eth1:vip", nil},
		{"broadcast +", map[string]string{"ip": "192.168.2.100", "broadcast": "+"}, "fake-eth1", "192.168.2.100/24", "192.168.2.255", "", nil},
		{"broadcast -", map[string]string{"ip": "192.168.2.100", "broadcast": "-"}, "fake-eth1", "192.168.2.100/24", "192.168.2.0", "", nil},
		{"broadcast given", map[string]string{"ip": "192.168.2.100", "broadcast": "192.168.2.254"}, "fake-eth1", "192.168.2.100/24", "192.168.2.254", "", nil},
		{"loopback from the local table", map[string]string{"ip": "127.0.0.2"}, "lo", "127.0.0.2/8", "127.255.255.255", "", nil},
		{"IPv6: no broadcast", map[string]string{"ip": "2001:db8:1::99"}, "fake-eth0", "2001:db8:1::99/64", "", "", nil},
		{"a route of another protocol does not count", map[string]string{"ip": "192.168.2.100", "proto": "static"}, "", "", "", "", errNoRoute},
		{"only a gateway route", map[string]string{"ip": "10.30.1.1"}, "", "", "", "", errNoRoute},
		{"only the default route", map[string]string{"ip": "198.51.100.1"}, "", "", "", "", errNoRoute},
		{"a route in another table", map[string]string{"ip": "10.40.1.1"}, "", "", "", "", errNoRoute},
		{"nic missing on this node", map[string]string{"ip": "192.168.2.100", "nic": "fake-eth9"}, "", "", "", "", netif.ErrNoLink},
		{"a label too long for the chosen name", map[string]string{"ip": "192.168.1.200", "nic": "fake-uplink-of-the-node", "iflabel": "vip12345"},
			"", "", "", "", errLabel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := fakeNode().Host()
			defer h.Close()
			var got target
			var err error
			code, stderr := inAction(t, "start", tt.params, func(c *ocf.Context) error {
				cfg, perr := parseConfig(c)
				if perr != nil {
					return perr
				}
				addrs, aerr := h.AddrsOf(cfg.ip)
				if aerr != nil {
					return aerr
				}
				got, err = resolve(h, cfg, addrs)
				return nil
			})
			if code != ocf.Success {
				t.Fatalf("parameters refused: %d %s", code, stderr)
			}
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			var bcast netip.Addr
			if tt.broadcast != "" {
				bcast = ip(tt.broadcast)
			}
			if got.link.Name != tt.link || got.prefix != pfx(tt.prefix) || got.broadcast != bcast || got.label != tt.label {
				t.Errorf("got %s %s broadcast %v label %q, want %s %s broadcast %v label %q",
					got.link.Name, got.prefix, got.broadcast, got.label, tt.link, tt.prefix, bcast, tt.label)
			}
		})
	}
}

// TestValidateAllFake: validate-all answers what resolve finds on the
// fake node with resource-agents 4.12's codes: a missing nic 6, no route
// 1, a label too long for the chosen name 6.
func TestValidateAllFake(t *testing.T) {
	tests := []struct {
		name   string
		params map[string]string
		code   ocf.Code
	}{
		{"placed", map[string]string{"ip": "192.168.2.100"}, ocf.Success},
		{"nic missing", map[string]string{"ip": "192.168.2.100", "nic": "fake-eth9"}, ocf.ErrConfigured},
		{"no route", map[string]string{"ip": "198.51.100.1"}, ocf.ErrGeneric},
		{"label too long", map[string]string{"ip": "192.168.1.200", "nic": "fake-uplink-of-the-node", "iflabel": "vip12345"}, ocf.ErrConfigured},
	}
	for _, tt := range tests {
		k := fakeNode()
		if code, stderr := runAgent(t, k, t.TempDir(), ocf.ActionValidateAll, tt.params); code != tt.code {
			t.Errorf("%s: %d, want %d\n%s", tt.name, code, tt.code, stderr)
		}
		if changes(k) != 0 {
			t.Errorf("%s: validate-all changed the host: %+v", tt.name, k.Requests)
		}
	}
}
