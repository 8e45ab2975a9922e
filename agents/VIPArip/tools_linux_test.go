package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocfnet/ocfnet/pkg/testnet"
)

const (
	raDir     = "/usr/share/resource-agents"
	installed = "/usr/lib/ocf/resource.d/ocfnet/VIPArip"
)

func need(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s is missing: run make deps install (as root) first", p)
		}
	}
}

func TestLinuxMetaDataSchemas(t *testing.T) {
	testnet.RequireRoot(t)
	need(t, raDir+"/ra-api-1.dtd", raDir+"/metadata.rng", "/usr/bin/xmllint")
	xml, err := exec.Command(agentBin, "meta-data").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--noout", "--valid", "-"}, {"--noout", "--relaxng", raDir + "/metadata.rng", "-"}} {
		cmd := exec.Command("xmllint", args...)
		cmd.Dir = raDir
		cmd.Stdin = bytes.NewReader(xml)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("xmllint %v: %v\n%s", args, err, out)
		}
	}
}

func TestLinuxInstalledTools(t *testing.T) {
	testnet.RequireRoot(t)
	need(t, installed, "/usr/sbin/crm_resource", "/usr/sbin/crm")
	golden, err := os.ReadFile("../../metadata/VIPArip.xml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("crm_resource", "--show-metadata", "ocf:ocfnet:VIPArip").Output()
	if err != nil || !bytes.Equal(bytes.TrimSpace(out), bytes.TrimSpace(golden)) {
		t.Fatalf("crm_resource --show-metadata: %v (installed agent stale? run make install)", err)
	}
	out, err = exec.Command("crm", "ra", "info", "ocf:ocfnet:VIPArip").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "takeover_metric") {
		t.Errorf("crm ra info: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		want int
		opts []string
	}{
		{0, []string{"ip=192.168.13.229"}},
		{6, []string{"ip=192.168.13.229", "metric=16"}},
		{6, []string{"ip=192.168.13.229", "auth_mode=md5"}},
	} {
		args := []string{"--validate", "--class", "ocf", "--provider", "ocfnet", "--agent", "VIPArip"}
		for _, o := range tc.opts {
			args = append(args, "--option", o)
		}
		cmd := exec.Command("crm_resource", args...)
		cmd.Env = append(os.Environ(), "OCF_CHECK_LEVEL=0")
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != tc.want {
			t.Errorf("crm_resource --validate %v: exit %d, want %d\n%s", tc.opts, code, tc.want, out)
		}
	}
}

func TestLinuxOCFTester(t *testing.T) {
	l := newLab(t)
	need(t, "/usr/sbin/ocf-tester")
	out, stderr, code := l.s1.ns.RunEnv([]string{"HA_RSCTMP=" + l.s1.rsctmp}, "ocf-tester", "-n", "vip",
		"-o", "ip="+vip, "-o", "interval=2", agentBin)
	if code != 0 || !strings.Contains(out, "passed all tests") {
		t.Fatalf("ocf-tester: exit %d\n%s\n%s", code, out, stderr)
	}
	if l.s1.ns.HasAddr(t, "lo", vip+"/32") {
		t.Error("ocf-tester's final stop left the VIP")
	}
}

func TestLinuxOCFT(t *testing.T) {
	testnet.RequireRoot(t)
	need(t, "/usr/sbin/ocft")
	net := testnet.New(t)
	ns, peer := net.NS("ocft"), net.NS("peer")
	net.Veth(ns, "ocft0", peer, "eth0")
	ns.IP(t, "addr", "add", "192.168.151.1/24", "dev", "ocft0")
	ns.IP(t, "route", "add", "default", "via", "192.168.151.254")
	cfg, err := os.ReadFile("../../ocft/VIPArip")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	const suite = "ocfnetVIPArip"
	text := strings.Replace(string(cfg), "AgentRoot /usr/lib/ocf/resource.d/ocfnet", "AgentRoot "+filepath.Dir(agentBin), 1)
	if err := os.WriteFile(filepath.Join(dir, suite), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = exec.Command("ocft", "clean", suite).Run() })
	if out, err := exec.Command("ocft", "make", "-d", dir, suite).CombinedOutput(); err != nil {
		t.Fatalf("ocft make: %v\n%s", err, out)
	}
	rsctmp := t.TempDir()
	out, stderr, code := ns.RunEnv([]string{"HA_RSCTMP=" + rsctmp}, "ocft", "test", suite)
	log := out + stderr
	if code != 0 || strings.Contains(log, "ERROR") || strings.Contains(log, "FAILED") || !strings.Contains(log, "OK") {
		t.Fatalf("ocft test: exit %d\n%s", code, log)
	}
	// Whatever the cases left running is stopped with the namespace; the
	// last case's announcer must not outlive it.
	ns.RunEnv([]string{"HA_RSCTMP=" + rsctmp, "OCF_RESKEY_ip=192.168.13.229"}, agentBin, "stop")
}

// TestLinuxPCS: the README's pcs line is accepted offline (pcs checks the
// parameters against the installed agent's meta-data), a misspelt
// parameter is refused, and pcs copies our advertised timeouts.
func TestLinuxPCS(t *testing.T) {
	testnet.RequireRoot(t)
	need(t, installed, "/usr/sbin/pcs", "/usr/sbin/cibadmin")
	cib := filepath.Join(t.TempDir(), "cib.xml")
	empty, err := exec.Command("cibadmin", "--empty").Output()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cib, empty, 0o600); err != nil {
		t.Fatal(err)
	}
	args := testnet.DocumentedPCS(t, "../../README.md", "VIPArip")
	pcs := func(args ...string) (string, error) {
		out, err := exec.Command("pcs", append([]string{"-f", cib}, args[1:]...)...).CombinedOutput()
		return string(out), err
	}
	if out, err := pcs(args...); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	name := args[3]
	out, err := pcs("pcs", "resource", "config", name)
	if err != nil || !strings.Contains(out, "provider=ocfnet type=VIPArip") || !strings.Contains(out, "timeout=20s") {
		t.Errorf("pcs resource config %s: %v\n%s", name, err, out)
	}
	bad := append([]string{"pcs", "resource", "create", "bad", "ocf:ocfnet:VIPArip", "ip=192.168.1.101"}, "netmaks=24")
	if out, err := pcs(bad...); err == nil || !strings.Contains(out, "invalid resource option 'netmaks'") {
		t.Errorf("a misspelt parameter was not refused: %v\n%s", err, out)
	}
}
