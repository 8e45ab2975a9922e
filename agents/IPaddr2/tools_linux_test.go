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

// raDir holds resource-agents' DTD and RELAX NG schema for meta-data.
const raDir = "/usr/share/resource-agents"

// installed is where make install puts the agent; crm_resource and crmsh
// only find agents under Pacemaker's compiled-in OCF root.
const installed = "/usr/lib/ocf/resource.d/ocfnet/IPaddr2"

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
	for _, args := range [][]string{
		{"--noout", "--valid", "-"},
		{"--noout", "--relaxng", raDir + "/metadata.rng", "-"},
	} {
		cmd := exec.Command("xmllint", args...)
		cmd.Dir = raDir // the DOCTYPE names ra-api-1.dtd relative to here
		cmd.Stdin = bytes.NewReader(xml)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("xmllint %v: %v\n%s", args, err, out)
		}
	}
	// As nobody, with an empty environment, as ocf-tester and Pacemaker may.
	cmd := exec.Command("su", "nobody", "-s", "/bin/sh", "-c", agentBin+" meta-data")
	cmd.Env = []string{}
	if out, err := cmd.Output(); err != nil || !bytes.Equal(out, xml) {
		t.Errorf("meta-data as nobody: %v", err)
	}
}

// TestLinuxInstalledTools runs Pacemaker's and crmsh's readers of meta-data
// against the installed agent (make test installs it first).
func TestLinuxInstalledTools(t *testing.T) {
	testnet.RequireRoot(t)
	need(t, installed, "/usr/sbin/crm_resource", "/usr/sbin/crm")
	golden, err := os.ReadFile("../../metadata/IPaddr2.xml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("crm_resource", "--show-metadata", "ocf:ocfnet:IPaddr2").Output()
	if err != nil || !bytes.Equal(bytes.TrimSpace(out), bytes.TrimSpace(golden)) {
		t.Fatalf("crm_resource --show-metadata: %v (installed agent stale? run make install)\n%s", err, out)
	}
	out, err = exec.Command("crm", "ra", "info", "ocf:ocfnet:IPaddr2").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "cidr_netmask") || strings.Contains(string(out), "ERROR") {
		t.Errorf("crm ra info: %v\n%s", err, out)
	}
	validate := func(want int, opts ...string) {
		args := []string{"--validate", "--class", "ocf", "--provider", "ocfnet", "--agent", "IPaddr2"}
		for _, o := range opts {
			args = append(args, "--option", o)
		}
		cmd := exec.Command("crm_resource", args...)
		cmd.Env = append(os.Environ(), "OCF_CHECK_LEVEL=0")
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != want {
			t.Errorf("crm_resource --validate %v: exit %d, want %d\n%s", opts, code, want, out)
		}
	}
	validate(0, "ip=192.168.60.100", "cidr_netmask=24")
	validate(6, "ip=192.168.60.300")
	validate(6, "ip=192.168.60.100", "arp_count=0")
}

func TestLinuxOCFTester(t *testing.T) {
	n, _ := oneLink(t)
	need(t, "/usr/sbin/ocf-tester")
	out, stderr, code := n.ns.RunEnv([]string{"HA_RSCTMP=" + n.rsctmp}, "ocf-tester", "-n", "vip",
		"-o", "ip="+vip, "-o", "arp_count=2", agentBin)
	if code != 0 || !strings.Contains(out, "passed all tests") {
		t.Fatalf("ocf-tester: exit %d\n%s\n%s", code, out, stderr)
	}
	if n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Error("ocf-tester's final stop left the VIP")
	}
}

// TestLinuxOCFT runs our ocft cases (ocft/IPaddr2) with resource-agents'
// ocft, inside the namespace the cases expect.
func TestLinuxOCFT(t *testing.T) {
	testnet.RequireRoot(t)
	need(t, "/usr/sbin/ocft")
	net := testnet.New(t)
	ns, peer := net.NS("ocft"), net.NS("peer")
	net.Veth(ns, "ocft0", peer, "eth0")
	ns.IP(t, "addr", "add", "192.168.150.1/24", "dev", "ocft0")

	// ocft reads the agent from AgentRoot: point it at the binary under test.
	cfg, err := os.ReadFile("../../ocft/IPaddr2")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	text := strings.Replace(string(cfg), "AgentRoot /usr/lib/ocf/resource.d/ocfnet",
		"AgentRoot "+filepath.Dir(agentBin), 1)
	if err := os.WriteFile(filepath.Join(dir, "IPaddr2"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// ocft's generated suites live in one global directory; use a name of
	// our own so resource-agents' IPaddr2 suite is not overwritten.
	const suite = "ocfnetIPaddr2"
	if err := os.Rename(filepath.Join(dir, "IPaddr2"), filepath.Join(dir, suite)); err != nil {
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
	t.Logf("ocft: %d cases OK", strings.Count(log, "OK"))
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
	args := testnet.DocumentedPCS(t, "../../README.md", "IPaddr2")
	pcs := func(args ...string) (string, error) {
		out, err := exec.Command("pcs", append([]string{"-f", cib}, args[1:]...)...).CombinedOutput()
		return string(out), err
	}
	if out, err := pcs(args...); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	name := args[3]
	out, err := pcs("pcs", "resource", "config", name)
	if err != nil || !strings.Contains(out, "provider=ocfnet type=IPaddr2") || !strings.Contains(out, "timeout=20s") {
		t.Errorf("pcs resource config %s: %v\n%s", name, err, out)
	}
	bad := append([]string{"pcs", "resource", "create", "bad", "ocf:ocfnet:IPaddr2", "ip=192.168.1.101"}, "netmaks=24")
	if out, err := pcs(bad...); err == nil || !strings.Contains(out, "invalid resource option 'netmaks'") {
		t.Errorf("a misspelt parameter was not refused: %v\n%s", err, out)
	}
}
