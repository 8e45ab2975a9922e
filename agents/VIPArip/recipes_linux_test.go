package main

import (
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/announce"
	"github.com/ocfnet/ocfnet/pkg/rip"
)

// recipe returns the configuration docs/routers.md tags with
// <!-- recipe: name -->.
func recipe(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../docs/routers.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- recipe: " + name + " -->\n```\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatalf("docs/routers.md has no recipe %q", name)
	}
	return string(m[1])
}

// sendFrom sends one RIPv2 response with routes from server1, signed
// with key.
func sendFrom(t *testing.T, l *lab, key rip.Key, routes ...rip.Route) {
	t.Helper()
	b, err := key.Marshal(&rip.Message{Command: rip.Response, Version: 2, Routes: routes}, uint32(time.Now().Unix()))
	if err != nil {
		t.Fatal(err)
	}
	l.s1.ns.Do(t, func() {
		s, err := announce.NewSender("eth0", linkIndex(t, l.s1.ns, "eth0"), netip.MustParseAddr(l.s1.addr))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Send(netip.MustParseAddr("224.0.0.9"), b); err != nil {
			t.Fatal(err)
		}
	})
}

// linkIndex is name's interface index in ns ("3: eth0@if4: ...").
func linkIndex(t *testing.T, ns *testnet.NS, name string) int {
	t.Helper()
	index, _, _ := strings.Cut(ns.IP(t, "-o", "link", "show", "dev", name), ":")
	n, err := strconv.Atoi(index)
	if err != nil {
		t.Fatalf("no index for %s: %v", name, err)
	}
	return n
}

// TestLinuxRouterRecipes runs docs/routers.md's tested recipes as they are
// written: the router learns the VIP from the agent with the documented
// authentication, refuses a wrong key, refuses what the filter must keep
// out, and drops the route on stop.
func TestLinuxRouterRecipes(t *testing.T) {
	tests := []struct {
		name  string
		start func(t *testing.T, l *lab, conf string)
		mode  string
		key   rip.Key
	}{
		{"frr", func(t *testing.T, l *lab, conf string) { l.router.StartFRR(t, conf).WaitRIP(t, "eth0", "eth1") },
			"md5", rip.Key{Mode: rip.AuthMD5, ID: 1}},
		{"bird", func(t *testing.T, l *lab, conf string) { l.router.StartBIRD(t, conf).WaitRIP(t, "eth0", "eth1") },
			"hmac-sha256", rip.Key{Mode: rip.AuthHMACSHA256, ID: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf := recipe(t, tt.name)
			l := newLab(t)
			tt.start(t, l, conf)
			keyFile := filepath.Join(t.TempDir(), "rip.key")
			if err := os.WriteFile(keyFile, []byte("s3cret\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			p := []string{"ip=" + vip, "auth_mode=" + tt.mode, "auth_key_file=" + keyFile}
			l.s1.expect(t, 0, "start", p...)
			l.routedVia(t, vip, l.s1.addr, 5*time.Second)
			l.clientReaches(t, vip)

			good, wrong := tt.key, tt.key
			good.Secret, wrong.Secret = []byte("s3cret"), []byte("wrong")
			outside := rip.Route{Prefix: netip.MustParsePrefix("10.99.0.1/32"), Metric: 1}
			subnet := rip.Route{Prefix: netip.MustParsePrefix("192.168.13.0/24"), Metric: 1}
			inside := rip.Route{Prefix: netip.MustParsePrefix("192.168.13.77/32"), Metric: 1}
			// One correctly signed packet carries a route the filter lets
			// through (the proof the packet was taken) with two it must
			// drop; the same allowed route under a wrong key never counts.
			sendFrom(t, l, wrong, rip.Route{Prefix: netip.MustParsePrefix("192.168.13.78/32"), Metric: 1})
			sendFrom(t, l, good, outside, subnet, inside)
			l.routedVia(t, "192.168.13.77", l.s1.addr, 5*time.Second)
			for _, dst := range []string{"192.168.13.78", "10.99.0.1", "192.168.13.0/24"} {
				if r, found := l.router.Route(t, dst); found {
					t.Errorf("the router accepted %s (%+v): the key or the filter does not work", dst, r)
				}
			}

			l.s1.expect(t, 0, "stop", p...)
			l.routedVia(t, vip, "", 5*time.Second)
		})
	}
}
