package main

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"net/netip"
	"strings"
	"testing"

	"github.com/ocfnet/ocfnet/internal/agenttest"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

var update = flag.Bool("update", false, "rewrite metadata/IPaddr2.xml")

// Shorthands for the shared helpers, bound to this agent.
var (
	env         = agenttest.Env
	exitReasons = agenttest.ExitReasons
)

func run(t testing.TB, action string, e ocf.MapEnv) (int, string, string) {
	t.Helper()
	return agenttest.Run(Agent(), action, e)
}

// runAsUser runs the agent as a non-root user would: an action that needs
// root stops at the privilege check, before it changes anything.
func runAsUser(t testing.TB, action string, e ocf.MapEnv) (int, string, string) {
	t.Helper()
	return agenttest.Run(Agent(), action, e, ocf.WithEuid(nonRoot))
}

// nonRoot is the effective user id of runAsUser.
const nonRoot = 1000

// TestBadInput covers the rows of the exit-code table that need no
// privileges: every one ends before the host is inspected or changed.
func TestBadInput(t *testing.T) {
	// These tests run in this process's namespace: a row that wrongly
	// passed validation must stop at the privilege check (4), never
	// change the host.
	noHost := "OCF_CHECK_LEVEL=0"
	tests := []struct {
		name   string
		action string
		env    ocf.MapEnv
		code   ocf.Code
		reason string // substring of the single exit reason; "" for none
	}{
		{"start without ip", "start", env(), ocf.ErrConfigured, "ip parameter) is mandatory"},
		{"monitor without ip", "monitor", env(), ocf.ErrConfigured, "mandatory"},
		{"stop without ip", "stop", env(), ocf.Success, ""},
		{"unknown action", "frobnicate", env("ip=10.0.0.1"), ocf.ErrUnimplemented, ""},
		{"IPv6 accepted", "validate-all", env("ip=2001:DB8:0::5", "cidr_netmask=64", noHost), ocf.Success, ""},
		{"IPv6 link-local without nic", "start", env("ip=fe80::5"), ocf.ErrConfigured, "needs nic"},
		{"IPv6 link-local with nic", "validate-all", env("ip=fe80::5", "nic=eth0", noHost), ocf.Success, ""},
		{"IPv6 loopback", "start", env("ip=::1"), ocf.ErrConfigured, "unicast"},
		{"IPv6 unspecified", "start", env("ip=::"), ocf.ErrConfigured, "unicast"},
		{"IPv6 multicast", "start", env("ip=ff02::1"), ocf.ErrConfigured, "unicast"},
		{"IPv6 with zone", "start", env("ip=fe80::5%eth0"), ocf.ErrConfigured, "invalid ip"},
		{"IPv6 hostile", "start", env("ip=2001:db8::5;reboot"), ocf.ErrConfigured, "invalid ip"},
		{"IPv6 mask 128", "validate-all", env("ip=2001:db8::5", "cidr_netmask=128", noHost), ocf.Success, ""},
		{"IPv6 mask 129", "start", env("ip=2001:db8::5", "cidr_netmask=129"), ocf.ErrConfigured, "cidr_netmask"},
		{"IPv6 dotted mask", "start", env("ip=2001:db8::5", "cidr_netmask=255.255.255.0"), ocf.ErrConfigured, "cidr_netmask"},
		{"IPv6 lvs_support", "start", env("ip=2001:db8::5", "lvs_support=true"), ocf.ErrConfigured, "lvs_support"},
		{"IPv6 iflabel", "start", env("ip=2001:db8::5", "nic=eth0", "iflabel=vip"), ocf.ErrConfigured, "iflabel"},
		{"IPv6 preferred_lft bogus", "start", env("ip=2001:db8::5", "preferred_lft=soon"), ocf.ErrConfigured, "preferred_lft"},
		{"IPv6 preferred_lft 0", "validate-all", env("ip=2001:db8::5", "preferred_lft=0", noHost), ocf.Success, ""},
		{"IPv6 addrlabel value bogus", "start", env("ip=2001:db8::5", "lvs_ipv6_addrlabel_value=-1"), ocf.ErrConfigured, "lvs_ipv6_addrlabel_value"},
		{"IPv6 unique clone", "start", env("ip=2001:db8::5", "unique_clone_address=true", "CRM_meta_clone=1", "CRM_meta_globally_unique=true"), ocf.ErrConfigured, "IPv4"},
		{"IPv6 broadcast ignored", "validate-all", env("ip=2001:db8::5", "broadcast=+", noHost), ocf.Success, ""},
		{"IPv4 mask 33 with nic", "start", env("ip=10.0.0.1", "nic=eth0", "cidr_netmask=33"), ocf.ErrConfigured, "cidr_netmask"},
		{"invalid ip", "start", env("ip=10.0.0.300"), ocf.ErrConfigured, "invalid ip"},
		{"hostile ip", "start", env("ip=10.0.0.1;reboot"), ocf.ErrConfigured, "invalid ip"},
		{"zero first octet", "start", env("ip=0.1.2.3"), ocf.ErrConfigured, "invalid ip"},
		{"multicast", "start", env("ip=224.0.0.9"), ocf.ErrConfigured, "unicast"},
		{"invalid ip probe", "monitor", env("ip=10.0.0.300"), ocf.NotRunning, ""},
		{"invalid ip monitor", "monitor", env("ip=10.0.0.300", "CRM_meta_interval=10000"), ocf.ErrGeneric, "invalid ip"},
		{"invalid ip stop", "stop", env("ip=10.0.0.300"), ocf.Success, ""},
		{"mask 33", "start", env("ip=10.0.0.1", "cidr_netmask=33"), ocf.ErrConfigured, "cidr_netmask"},
		{"mask 0", "start", env("ip=10.0.0.1", "cidr_netmask=0"), ocf.ErrConfigured, "cidr_netmask"},
		{"mask not contiguous", "start", env("ip=10.0.0.1", "cidr_netmask=255.0.255.0"), ocf.ErrConfigured, "contiguous"},
		{"dotted mask accepted", "validate-all", env("ip=10.0.0.1", "cidr_netmask=255.255.255.0", noHost), ocf.Success, ""},
		{"netmask alias checked", "start", env("ip=10.0.0.1", "netmask=40"), ocf.ErrConfigured, "netmask"},
		{"broadcast foo", "start", env("ip=10.0.0.1", "broadcast=foo"), ocf.ErrConfigured, "broadcast"},
		{"broadcast plus", "validate-all", env("ip=10.0.0.1", "broadcast=+", noHost), ocf.Success, ""},
		{"arp_count 0", "start", env("ip=10.0.0.1", "arp_count=0"), ocf.ErrConfigured, "arp_count"},
		{"arp_interval 0", "start", env("ip=10.0.0.1", "arp_interval=0"), ocf.ErrConfigured, "arp_interval"},
		{"arp_count text", "start", env("ip=10.0.0.1", "arp_count=five"), ocf.ErrConfigured, "arp_count"},
		{"arp_sender bogus", "start", env("ip=10.0.0.1", "arp_sender=bogus"), ocf.ErrConfigured, "arp_sender"},
		{"arp_sender accepted", "validate-all", env("ip=10.0.0.1", "arp_sender=iputils_arping", "send_arp_opts=-A", noHost), ocf.Success, ""},
		{"label too long", "start", env("ip=10.0.0.1", "nic=eth0", "iflabel=abcdefghijk"), ocf.ErrConfigured, "longer than 15"},
		{"nic:label too long", "start", env("ip=10.0.0.1", "nic=eth0:abcdefghijk"), ocf.ErrConfigured, "longer than 15"},
		{"hostile nic", "start", env("ip=10.0.0.1", "nic=eth0;ls"), ocf.ErrConfigured, "nic"},
		{"nic with slash", "start", env("ip=10.0.0.1", "nic=a/b"), ocf.ErrConfigured, "nic"},
		{"nic too long", "start", env("ip=10.0.0.1", "nic="+strings.Repeat("a", 128)), ocf.ErrConfigured, "nic"},
		{"bad boolean", "start", env("ip=10.0.0.1", "lvs_support=maybe"), ocf.ErrConfigured, "lvs_support"},
		{"bad proto", "start", env("ip=10.0.0.1", "proto=carrier-pigeon"), ocf.ErrConfigured, "proto"},
		{"proto name", "validate-all", env("ip=10.0.0.1", "proto=kernel", noHost), ocf.Success, ""},
		{"CLUSTERIP refused", "start", env("ip=10.0.0.1", "CRM_meta_clone_max=2"), ocf.ErrConfigured, "CLUSTERIP"},
		{"CLUSTERIP stop", "stop", env("ip=10.0.0.300", "CRM_meta_clone_max=2"), ocf.Success, ""},
		{"clone_max garbage", "start", env("ip=10.0.0.1", "CRM_meta_clone_max=x"), ocf.ErrConfigured, "clone_max"},
		{"lvs in clone", "start", env("ip=10.0.0.1", "lvs_support=true", "CRM_meta_clone_max=2", "unique_clone_address=true", "CRM_meta_globally_unique=true", "CRM_meta_clone=0"), ocf.ErrConfigured, "lvs_support"},
		{"unique clone without globally-unique", "start", env("ip=10.0.0.1", "unique_clone_address=true", "CRM_meta_clone_max=2", "CRM_meta_clone=1"), ocf.ErrConfigured, "globally-unique"},
		{"unique clone", "validate-all", env("ip=10.0.0.1", "unique_clone_address=true", "CRM_meta_clone_max=2", "CRM_meta_clone=1", "CRM_meta_globally_unique=true", noHost), ocf.Success, ""},
		{"unique clone overflow", "start", env("ip=10.0.0.250", "unique_clone_address=true", "CRM_meta_clone=9", "CRM_meta_globally_unique=true"), ocf.ErrConfigured, "last octet"},
		{"IPv6 options ignored for IPv4", "validate-all", env("ip=10.0.0.1", "lvs_ipv6_addrlabel=true", "nodad=true", noHost), ocf.Success, ""},
		{"bad namespace name", "start", env("ip=10.0.0.1", "network_namespace=../x"), ocf.ErrConfigured, "network_namespace"},
		{"bad namespace stop", "stop", env("ip=10.0.0.1", "network_namespace=../x"), ocf.Success, ""},
		{"missing namespace probe", "monitor", env("ip=10.0.0.1", "network_namespace=ocfnet-no-such-ns"), ocf.NotRunning, ""},
		{"missing namespace start", "start", env("ip=10.0.0.1", "network_namespace=ocfnet-no-such-ns"), ocf.ErrInstalled, "ocfnet-no-such-ns"},
		{"missing namespace stop", "stop", env("ip=10.0.0.1", "network_namespace=ocfnet-no-such-ns"), ocf.Success, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runAsUser(t, tt.action, tt.env)
			if ocf.Code(code) != tt.code {
				t.Fatalf("code %v, want %v; stderr:\n%s", ocf.Code(code), tt.code, stderr)
			}
			reasons := exitReasons(stderr)
			switch {
			case tt.reason == "" && len(reasons) > 0:
				t.Errorf("unexpected exit reason %q", reasons)
			case tt.reason != "" && (len(reasons) != 1 || !strings.Contains(reasons[0], tt.reason)):
				t.Errorf("exit reasons %q, want one containing %q", reasons, tt.reason)
			}
			for _, r := range reasons {
				if len(r) > ocf.ExitReasonMax {
					t.Errorf("exit reason longer than %d: %q", ocf.ExitReasonMax, r)
				}
			}
		})
	}
}

func TestNonRootRefused(t *testing.T) {
	for _, action := range []string{"start", "stop"} {
		code, _, stderr := runAsUser(t, action, env("ip=10.0.0.1", "nic=eth0", "cidr_netmask=24"))
		if r := exitReasons(stderr); ocf.Code(code) != ocf.ErrPerm || len(r) != 1 || r[0] != action+" needs root privileges" {
			t.Errorf("%s as non-root: code %v, stderr %q", action, ocf.Code(code), stderr)
		}
	}
}

func TestUniqueCloneRewrite(t *testing.T) {
	var got string
	a := Agent()
	a.Actions = append(a.Actions, ocf.Action{Name: "peek", Hidden: true, Run: ocf.Do(func(c *ocf.Context) error {
		got = c.Params.Get(pIP)
		return nil
	})})
	var out, errb bytes.Buffer
	e := env("ip=10.0.0.10", "unique_clone_address=yes", "CRM_meta_clone=3", "CRM_meta_globally_unique=true")
	if code := ocf.Run(a, []string{"IPaddr2", "peek"}, e, &out, &errb); code != 0 || got != "10.0.0.13" {
		t.Errorf("code %d ip %q, want 0 and 10.0.0.13 (%s)", code, got, errb.String())
	}
}

func TestParseNetmask(t *testing.T) {
	tests := []struct {
		in     string
		bits   int
		dotted bool
		ok     bool
	}{
		{"24", 24, false, true}, {"1", 1, false, true}, {"32", 32, false, true},
		{"255.255.255.0", 24, true, true}, {"255.255.255.255", 32, true, true}, {"128.0.0.0", 1, true, true},
		{"33", 33, false, true}, {"128", 128, false, true},
		{"0", 0, false, false}, {"129", 0, false, false}, {"-1", 0, false, false},
		{"0.0.0.0", 0, false, false}, {"255.0.255.0", 0, false, false}, {"/24", 0, false, false}, {"ffff::", 0, false, false},
	}
	for _, tt := range tests {
		bits, dotted, err := parseNetmask(tt.in)
		if (err == nil) != tt.ok || bits != tt.bits || dotted != tt.dotted {
			t.Errorf("parseNetmask(%q) = %d, %v, %v; want %d, %v, ok %v", tt.in, bits, dotted, err, tt.bits, tt.dotted, tt.ok)
		}
	}
}

func TestFitNetmask(t *testing.T) {
	v4, v6 := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("2001:db8::1")
	tests := []struct {
		ip     netip.Addr
		bits   int
		dotted bool
		ok     bool
	}{
		{v4, 32, false, true}, {v4, 33, false, false}, {v4, 24, true, true},
		{v6, 128, false, true}, {v6, 64, false, true}, {v6, 24, true, false},
	}
	for _, tt := range tests {
		if err := fitNetmask(tt.ip, tt.bits, tt.dotted, "x"); (err == nil) != tt.ok {
			t.Errorf("fitNetmask(%v, %d, %v) = %v, want ok %v", tt.ip, tt.bits, tt.dotted, err, tt.ok)
		}
	}
}

func TestParseLifetime(t *testing.T) {
	u := func(v uint32) *uint32 { return &v }
	tests := []struct {
		in   string
		want *uint32
		ok   bool
	}{{"forever", nil, true}, {"0", u(0), true}, {"3600", u(3600), true}, {"", nil, false}, {"-1", nil, false},
		{"4294967295", nil, false}, {"1h", nil, false}}
	for _, tt := range tests {
		got, err := parseLifetime(tt.in)
		if (err == nil) != tt.ok || (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
			t.Errorf("parseLifetime(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestParseProto(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{{"", -1, true}, {"kernel", 2, true}, {"static", 4, true}, {"186", 186, true}, {"256", 0, false}, {"x", 0, false}}
	for _, tt := range tests {
		got, err := parseProto(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("parseProto(%q) = %d, %v", tt.in, got, err)
		}
	}
}

// TestMetaDataGolden keeps metadata/IPaddr2.xml equal to the agent's
// output (go test -run MetaDataGolden -update rewrites it).
func TestMetaDataGolden(t *testing.T) {
	agenttest.MetaDataGolden(t, Agent(), "../../metadata/IPaddr2.xml", *update)
}

// FuzzParameters drives validate-all (no host inspection) with arbitrary
// values: the answer is always 0 or 6, with exactly one short exit reason
// on 6.
func FuzzParameters(f *testing.F) {
	f.Add("10.0.0.1", "eth0", "24", "+", "5")
	f.Add("10.0.0.1", "eth0:lbl", "255.255.255.0", "10.0.0.255", "1")
	f.Add("::1", "", "", "", "")
	f.Add("10.0.0.1\n", "e\x00", "0x18", "-", "-1")
	f.Fuzz(func(t *testing.T, ip, nic, mask, brd, count string) {
		e := env("ip="+ip, "nic="+nic, "cidr_netmask="+mask, "broadcast="+brd, "arp_count="+count, "OCF_CHECK_LEVEL=0")
		code, _, stderr := run(t, "validate-all", e)
		reasons := exitReasons(stderr)
		switch ocf.Code(code) {
		case ocf.Success:
			if len(reasons) != 0 {
				t.Fatalf("success with exit reason %q", reasons)
			}
		case ocf.ErrConfigured:
			if len(reasons) != 1 || len(reasons[0]) > ocf.ExitReasonMax || reasons[0] == "" {
				t.Fatalf("code 6 with exit reasons %q", reasons)
			}
		default:
			t.Fatalf("validate-all returned %d for ip=%q nic=%q mask=%q brd=%q count=%q", code, ip, nic, mask, brd, count)
		}
	})
}

// TestManPageGolden keeps man/ocf_ocfnet_IPaddr2.7 equal to the agent's --man
// output, renderable without warnings, its examples in the README
// (go test -run ManPageGolden -update rewrites it).
func TestManPageGolden(t *testing.T) {
	agenttest.ManPageGolden(t, Agent(), "../../man/ocf_ocfnet_IPaddr2.7", "../../README.md", *update)
}

// TestNamespaceMissing: each action's answer to a network_namespace that
// cannot be entered, with the cause kept for errors.Is.
func TestNamespaceMissing(t *testing.T) {
	tests := []struct {
		action string
		env    []string
		done   bool
		code   ocf.Code
	}{
		{ocf.ActionStop, nil, true, ocf.Success},
		{ocf.ActionMonitor, nil, false, ocf.NotRunning},
		{ocf.ActionMonitor, []string{"CRM_meta_interval=10000"}, false, ocf.ErrInstalled},
		{ocf.ActionStart, nil, false, ocf.ErrInstalled},
	}
	for _, tt := range tests {
		a := Agent()
		var done bool
		var err error
		a.Prepare = func(c *ocf.Context) (bool, error) {
			done, err = prepare(c)
			return done, err
		}
		e := env(append([]string{"ip=10.0.0.1", "network_namespace=ocfnet-no-such-ns"}, tt.env...)...)
		code, _, _ := agenttest.Run(a, tt.action, e, ocf.WithEuid(nonRoot))
		if done != tt.done || ocf.Code(code) != tt.code {
			t.Errorf("%s %v: done %v code %v, want %v %v", tt.action, tt.env, done, ocf.Code(code), tt.done, tt.code)
		}
		if tt.code == ocf.ErrInstalled && (!errors.Is(err, errNoNamespace) || !errors.Is(err, fs.ErrNotExist)) {
			t.Errorf("%s %v: %v does not wrap errNoNamespace and the cause", tt.action, tt.env, err)
		}
	}
}
