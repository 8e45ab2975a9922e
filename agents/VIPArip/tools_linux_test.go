package main

import (
	"testing"

	"github.com/ocfnet/ocfnet/internal/agenttest"
	"github.com/ocfnet/ocfnet/internal/testnet"
)

func TestLinuxMetaDataSchemas(t *testing.T) { agenttest.Schemas(t, agentBin) }

// TestLinuxInstalledTools: Pacemaker's and crmsh's view of the installed
// agent (make test installs it first).
func TestLinuxInstalledTools(t *testing.T) {
	agenttest.InstalledTools(t, "VIPArip", "../../metadata/VIPArip.xml", "takeover_metric", []agenttest.Validation{
		{Want: 0, Options: []string{"ip=192.168.13.229"}},
		{Want: 6, Options: []string{"ip=192.168.13.229", "metric=16"}},
		{Want: 6, Options: []string{"ip=192.168.13.229", "auth_mode=md5"}},
	})
}

// TestLinuxPCS: the README's pcs line offline; a misspelt parameter refused.
func TestLinuxPCS(t *testing.T) { agenttest.PCS(t, "VIPArip", "../../README.md") }

func TestLinuxOCFTester(t *testing.T) {
	l := newLab(t)
	agenttest.OCFTester(t, l.s1.ns, l.s1.rsctmp, agentBin, "ip="+vip, "interval=2")
	if l.s1.ns.HasAddr(t, "lo", vip+"/32") {
		t.Error("ocf-tester's final stop left the VIP")
	}
}

// TestLinuxOCFT runs ocft/VIPArip inside the namespace its cases expect.
func TestLinuxOCFT(t *testing.T) {
	testnet.RequireRoot(t)
	net := testnet.New(t)
	ns, peer := net.NS("ocft"), net.NS("peer")
	net.Veth(ns, "ocft0", peer, "eth0")
	ns.IP(t, "addr", "add", "192.168.151.1/24", "dev", "ocft0")
	ns.IP(t, "route", "add", "default", "via", "192.168.151.254")
	agenttest.OCFT(t, ns, "../../ocft/VIPArip", agentBin)
}
