package main

import (
	"net/netip"
	"slices"
	"sort"
	"testing"

	"github.com/ocfnet/ocfnet/internal/agenttest"
	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// readConfigOf runs readConfig as an action of the real agent.
func readConfigOf(t *testing.T, e ocf.MapEnv) (config, problems) {
	t.Helper()
	a := Agent()
	var cfg config
	var errs problems
	a.Actions = append(a.Actions, ocf.Action{Name: "read-config", Hidden: true, Run: ocf.Do(func(c *ocf.Context) error {
		cfg, errs = readConfig(c)
		return nil
	})})
	if code, _, stderr := agenttest.Run(a, "read-config", e); code != 0 {
		t.Fatalf("read-config: %d %s", code, stderr)
	}
	return cfg, errs
}

// TestReadConfig checks the one parser: what stop and monitor use (nic,
// prefix length, route protocol) is read from the parameters that parse,
// whatever else is wrong, and every problem is named by its parameter.
func TestReadConfig(t *testing.T) {
	tests := []struct {
		name      string
		env       ocf.MapEnv
		nic       string
		bits      int
		proto     int
		fields    []string // parameters with a problem
		combined  bool     // a problem of combined parameters
		broadcast broadcast
	}{
		{"all good", env("ip=10.0.0.1", "nic=eth0", "cidr_netmask=24", "proto=static", "broadcast=10.0.0.255"),
			"eth0", 24, 4, nil, false, broadcast{rule: brdGiven, addr: netip.MustParseAddr("10.0.0.255")}},
		{"netmask alias", env("ip=10.0.0.1", "netmask=255.255.0.0"), "", 16, netif.AnyProtocol, nil, false, broadcast{}},
		{"cidr_netmask beats the alias", env("ip=10.0.0.1", "cidr_netmask=8", "netmask=x"), "", 8, netif.AnyProtocol, nil, false, broadcast{}},
		{"bad label keeps nic", env("ip=10.0.0.1", "nic=eth0:bad label", "cidr_netmask=24"), "eth0", 24, netif.AnyProtocol, []string{pNIC}, false, broadcast{}},
		{"bad nic dropped", env("ip=10.0.0.1", "nic=a/b", "cidr_netmask=24", "arp_count=0"), "", 24, netif.AnyProtocol, []string{pNIC, pARPCount}, false, broadcast{}},
		{"bad proto reads as any", env("ip=10.0.0.1", "nic=eth0", "proto=x", "broadcast=+"), "eth0", 0, netif.AnyProtocol, []string{pProto}, false, broadcast{rule: brdOnes}},
		{"bad broadcast", env("ip=10.0.0.1", "broadcast=foo", "cidr_netmask=25"), "", 25, netif.AnyProtocol, []string{pBroadcast}, false, broadcast{}},
		{"mask too long for IPv4", env("ip=10.0.0.1", "nic=eth0", "cidr_netmask=33", "proto=kernel"), "eth0", 0, 2, nil, true, broadcast{}},
		{"IPv6 ignores broadcast", env("ip=2001:db8::1", "cidr_netmask=64", "broadcast=-"), "", 64, netif.AnyProtocol, nil, false, broadcast{}},
		{"unparsable mask", env("ip=10.0.0.1", "cidr_netmask=255.0.255.0", "nic=eth1"), "eth1", 0, netif.AnyProtocol, []string{pCIDRNetmask}, false, broadcast{}},
	}
	for _, tt := range tests {
		cfg, errs := readConfigOf(t, tt.env)
		var fields []string
		for name := range errs.field {
			fields = append(fields, name)
		}
		sort.Strings(fields)
		want := slices.Clone(tt.fields)
		sort.Strings(want)
		if cfg.nic != tt.nic || cfg.bits != tt.bits || cfg.proto != tt.proto || cfg.broadcast != tt.broadcast ||
			!slices.Equal(fields, want) || (errs.combined != nil) != tt.combined {
			t.Errorf("%s: nic %q bits %d proto %d broadcast %+v, problems %v %v; want %q %d %d %+v, %v, combined %v",
				tt.name, cfg.nic, cfg.bits, cfg.proto, cfg.broadcast, fields, errs.combined,
				tt.nic, tt.bits, tt.proto, tt.broadcast, want, tt.combined)
		}
	}
}
