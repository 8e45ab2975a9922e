package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocfnet/ocfnet/internal/agenttest"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

var update = flag.Bool("update", false, "rewrite metadata/VIPArip.xml")

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

func TestBadInput(t *testing.T) {
	// These tests run in this process's namespace: a row that wrongly
	// passed validation must stop at the privilege check (4), never
	// change the host.
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	noHost := "OCF_CHECK_LEVEL=0"
	ip := "ip=192.168.13.229"
	tests := []struct {
		name   string
		action string
		env    ocf.MapEnv
		code   ocf.Code
		reason string
	}{
		{"no ip", "start", env(), ocf.ErrConfigured, "mandatory"},
		{"no ip monitor", "monitor", env(), ocf.ErrConfigured, "mandatory"},
		{"no ip stop", "stop", env(), ocf.Success, ""},
		{"good", "validate-all", env(ip, noHost), ocf.Success, ""},
		{"invalid ip", "start", env("ip=192.168.13.300"), ocf.ErrConfigured, "invalid ip"},
		{"IPv6 accepted", "validate-all", env("ip=2001:db8::1", "OCF_CHECK_LEVEL=0"), ocf.Success, ""},
		{"IPv6 link-local", "start", env("ip=fe80::1"), ocf.ErrConfigured, "link-local"},
		{"IPv6 multicast", "start", env("ip=ff02::9"), ocf.ErrConfigured, "unicast"},
		{"IPv6 with authentication", "start", env("ip=2001:db8::1", "auth_mode=md5", "auth_key=x"), ocf.ErrConfigured, "RIPng"},
		{"IPv6 global source", "start", env("ip=2001:db8::1", "source=2001:db8::2"), ocf.ErrConfigured, "link-local"},
		{"IPv6 link-local source", "validate-all", env("ip=2001:db8::1", "source=fe80::2", "OCF_CHECK_LEVEL=0"), ocf.Success, ""},
		{"IPv6 destination for an IPv4 ip", "start", env("ip=192.168.13.229", "destination=ff02::9"), ocf.ErrConfigured, "families"},
		{"loopback ip", "start", env("ip=127.0.0.5"), ocf.ErrConfigured, "unicast"},
		{"invalid ip probe", "monitor", env("ip=x"), ocf.NotRunning, ""},
		{"invalid ip stop", "stop", env("ip=x"), ocf.Success, ""},
		{"bad nic", "start", env(ip, "nic=eth0;ls"), ocf.ErrConfigured, "nic"},
		{"bad source", "start", env(ip, "source=192.168.10"), ocf.ErrConfigured, "source"},
		{"source is the VIP", "validate-all", env(ip, "source=192.168.13.229", noHost), ocf.ErrConfigured, "is the VIP"},
		{"IPv6 source", "start", env(ip, "source=fe80::1"), ocf.ErrConfigured, "families"},
		{"bad destination", "start", env(ip, "destination=224.0.0.9 nope"), ocf.ErrConfigured, "destination"},
		{"two destinations", "validate-all", env(ip, "destination=192.168.10.255 192.168.10.220", noHost), ocf.Success, ""},
		{"metric 16", "start", env(ip, "metric=16"), ocf.ErrConfigured, "metric"},
		// A router adds 1: 15 arrives as 16, unreachable.
		{"metric 15", "start", env(ip, "metric=15"), ocf.ErrConfigured, "1 to 14"},
		{"metric 15 validate", "validate-all", env(ip, "metric=15", noHost), ocf.ErrConfigured, "1 to 14"},
		{"takeover metric 15", "start", env(ip, "takeover_metric=15"), ocf.ErrConfigured, "1 to 14"},
		{"takeover metric 15 validate", "validate-all", env(ip, "takeover_metric=15", noHost), ocf.ErrConfigured, "1 to 14"},
		{"takeover metric 16", "validate-all", env(ip, "takeover_metric=16", noHost), ocf.ErrConfigured, "1 to 14"},
		{"metric 14", "validate-all", env(ip, "metric=14", "takeover_metric=13", noHost), ocf.Success, ""},
		{"metric 0", "start", env(ip, "metric=0"), ocf.ErrConfigured, "metric"},
		{"takeover not lower", "start", env(ip, "metric=2", "takeover_metric=2"), ocf.ErrConfigured, "lower"},
		{"takeover time 10", "start", env(ip, "takeover_time=10"), ocf.ErrConfigured, "takeover_time"},
		{"interval 61", "start", env(ip, "interval=61"), ocf.ErrConfigured, "interval"},
		{"interval 0", "start", env(ip, "interval=0"), ocf.ErrConfigured, "interval"},
		{"rip version 3", "start", env(ip, "rip_version=3"), ocf.ErrConfigured, "rip_version"},
		{"vip device", "start", env(ip, "vip_device=eth0"), ocf.ErrConfigured, "vip_device"},
		{"unknown auth mode", "start", env(ip, "auth_mode=sha3"), ocf.ErrConfigured, "auth_mode"},
		{"missing key", "start", env(ip, "auth_mode=md5"), ocf.ErrConfigured, "auth_key"},
		{"unreadable key file", "start", env(ip, "auth_mode=md5", "auth_key_file=/nonexistent/key"), ocf.ErrInstalled, "auth_key_file"},
		{"key file", "validate-all", env(ip, "auth_mode=md5", "auth_key_file="+keyFile, noHost), ocf.Success, ""},
		{"key too long", "start", env(ip, "auth_mode=simple", "auth_key=seventeen-octets!"), ocf.ErrConfigured, "key"},
		{"RIPv1 to multicast", "start", env(ip, "rip_version=1", "destination=224.0.0.9"), ocf.ErrConfigured, "broadcast only"},
		{"RIPv1 to a broadcast", "validate-all", env(ip, "rip_version=1", "destination=192.168.10.255", noHost), ocf.Success, ""},
		{"auth with RIPv1", "start", env(ip, "auth_mode=simple", "auth_key=x", "rip_version=1"), ocf.ErrConfigured, "rip_version 2"},
		{"key id 256", "start", env(ip, "auth_mode=md5", "auth_key=x", "auth_key_id=256"), ocf.ErrConfigured, "auth_key_id"},
		{"quagga binaries ignored", "validate-all", env(ip, "zebra_binary=/usr/sbin/zebra", "ripd_binary=/usr/sbin/ripd", noHost), ocf.Success, ""},
		{"unknown action", "migrate_to", env(ip), ocf.ErrUnimplemented, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runAsUser(t, tt.action, tt.env)
			if ocf.Code(code) != tt.code {
				t.Fatalf("code %v, want %v\n%s", ocf.Code(code), tt.code, stderr)
			}
			rs := exitReasons(stderr)
			switch {
			case tt.reason == "" && len(rs) != 0:
				t.Errorf("unexpected exit reason %q", rs)
			case tt.reason != "" && (len(rs) != 1 || !strings.Contains(rs[0], tt.reason)):
				t.Errorf("exit reasons %q, want one containing %q", rs, tt.reason)
			}
		})
	}
}

// TestKeyNeverPrinted: neither an error nor a debug log shows the key.
func TestKeyNeverPrinted(t *testing.T) {
	for _, action := range []string{"validate-all", "start"} {
		_, out, stderr := run(t, action, env("ip=192.168.13.229", "auth_mode=simple", "auth_key=topsecret-longer-than-16", "HA_debug=1"))
		if strings.Contains(out+stderr, "topsecret") {
			t.Errorf("%s printed the key:\n%s", action, out+stderr)
		}
		if !strings.Contains(stderr, "auth_key=(secret)") {
			t.Errorf("%s: debug log lacks the masked key:\n%s", action, stderr)
		}
	}
}

func TestNonRootRefused(t *testing.T) {
	for _, action := range []string{"start", "stop"} {
		code, _, stderr := runAsUser(t, action, env("ip=192.168.13.229"))
		if r := exitReasons(stderr); ocf.Code(code) != ocf.ErrPerm || len(r) != 1 || r[0] != action+" needs root privileges" {
			t.Errorf("%s as non-root: %v %q", action, ocf.Code(code), stderr)
		}
	}
}

func TestMetaDataGolden(t *testing.T) {
	agenttest.MetaDataGolden(t, Agent(), "../../metadata/VIPArip.xml", *update)
}

func FuzzParameters(f *testing.F) {
	f.Add("192.168.13.229", "eth0", "192.168.10.221", "224.0.0.9", "2", "md5", "k")
	f.Add("10.0.0.1", "", "", "", "1", "none", "")
	f.Fuzz(func(t *testing.T, ip, nic, src, dst, metric, mode, key string) {
		validate := func(key string) (int, string) {
			code, _, stderr := run(t, "validate-all", env("ip="+ip, "nic="+nic, "source="+src, "destination="+dst, "metric="+metric,
				"auth_mode="+mode, "auth_key="+key, "OCF_CHECK_LEVEL=0"))
			return code, stderr
		}
		code, stderr := validate(key)
		rs := exitReasons(stderr)
		switch ocf.Code(code) {
		case ocf.Success:
			if len(rs) != 0 {
				t.Fatalf("success with reason %q", rs)
			}
		case ocf.ErrConfigured:
			if len(rs) != 1 || len(rs[0]) > ocf.ExitReasonMax {
				t.Fatalf("6 with reasons %q", rs)
			}
			// The key leaks when it shows in the reason more often than
			// with a look-alike key in its place: the reason's own words
			// ("invalid", "auth_mode") and the other values may contain
			// the key by chance, and say the same with either key.
			if len(key) >= 4 && strings.Contains(rs[0], key) {
				_, other := validate(lookalike(key))
				if strings.Count(rs[0], key) > strings.Count(strings.Join(exitReasons(other), "\n"), key) {
					t.Fatalf("exit reason shows the key: %q", rs[0])
				}
			}
		default:
			t.Fatalf("validate-all returned %d", code)
		}
	})
}

// lookalike returns key with each ASCII letter and digit replaced by the
// next one of its kind (z by a, 9 by 0): the same length, spaces and
// bytes otherwise, so the agent judges it as it judges key, yet a reason
// that echoes it no longer contains key.
func lookalike(key string) string {
	b := []byte(key)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			b[i] = 'a' + (c-'a'+1)%26
		case c >= 'A' && c <= 'Z':
			b[i] = 'A' + (c-'A'+1)%26
		case c >= '0' && c <= '9':
			b[i] = '0' + (c-'0'+1)%10
		}
	}
	return string(b)
}

// TestManPageGolden keeps man/ocf_ocfnet_VIPArip.7 equal to the agent's --man
// output, renderable without warnings, its examples in the README
// (go test -run ManPageGolden -update rewrites it).
func TestManPageGolden(t *testing.T) {
	agenttest.ManPageGolden(t, Agent(), "../../man/ocf_ocfnet_VIPArip.7", "../../README.md", *update)
}
