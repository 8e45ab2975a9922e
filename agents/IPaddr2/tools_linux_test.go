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
	agenttest.InstalledTools(t, "IPaddr2", "../../metadata/IPaddr2.xml", "cidr_netmask", []agenttest.Validation{
		{Want: 0, Options: []string{"ip=192.168.60.100", "cidr_netmask=24"}},
		{Want: 6, Options: []string{"ip=192.168.60.300"}},
		{Want: 6, Options: []string{"ip=192.168.60.100", "arp_count=0"}},
	})
}

// TestLinuxPCS: the README's pcs line offline; a misspelt parameter refused.
func TestLinuxPCS(t *testing.T) { agenttest.PCS(t, "IPaddr2", "../../README.md") }

func TestLinuxOCFTester(t *testing.T) {
	n, _ := oneLink(t)
	agenttest.OCFTester(t, n.ns, n.rsctmp, agentBin, "ip="+vip, "arp_count=2")
	if n.ns.HasAddr(t, "eth0", vip+"/24") {
		t.Error("ocf-tester's final stop left the VIP")
	}
}

func TestLinuxOCFTesterIPv6(t *testing.T) {
	n, _ := oneLink6(t)
	agenttest.OCFTester(t, n.ns, n.rsctmp, agentBin, "ip="+vip6, "arp_count=2")
	if _, ok := n.ns.Addr6(t, "eth0", vip6+"/64"); ok {
		t.Error("ocf-tester's final stop left the VIP")
	}
}

// TestLinuxOCFT runs ocft/IPaddr2 inside the namespace its cases expect.
func TestLinuxOCFT(t *testing.T) {
	testnet.RequireRoot(t)
	net := testnet.New(t)
	ns, peer := net.NS("ocft"), net.NS("peer")
	net.Veth(ns, "ocft0", peer, "eth0")
	ns.IP(t, "addr", "add", "192.168.150.1/24", "dev", "ocft0")
	// A case sets ocft0 down, which flushes IPv6 addresses by default.
	ns.Run(t, "sysctl", "-qw", "net.ipv6.conf.ocft0.keep_addr_on_down=1")
	ns.IP(t, "addr", "add", "2001:db8:150::1/64", "dev", "ocft0", "nodad")
	agenttest.OCFT(t, ns, "../../ocft/IPaddr2", agentBin)
}
