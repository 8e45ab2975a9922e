package main

import (
	"bytes"
	"net"
	"net/netip"
	"testing"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/netif/netiftest"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"golang.org/x/sys/unix"
)

// The unprivileged tests of placement and of holding and dropping the VIP
// call the agent's functions with a *netif.Host over netiftest's fake
// kernel, inside a real *ocf.Context that ocf.Run builds from OCF_RESKEY_
// variables.

// inAction runs fn as action of an agent with VIPArip's parameters set
// from values and its own HA_RSCTMP, and returns the exit code and stderr.
func inAction(t *testing.T, action string, values map[string]string, fn func(c *ocf.Context) error) (ocf.Code, string) {
	t.Helper()
	env := ocf.MapEnv{"HA_RSCTMP": t.TempDir()}
	for k, v := range values {
		env["OCF_RESKEY_"+k] = v
	}
	a := &ocf.Agent{Name: "VIPArip", Params: params, Actions: []ocf.Action{{Name: action, Run: ocf.Do(fn)}}}
	var stdout, stderr bytes.Buffer
	code := ocf.Run(a, []string{"VIPArip", action}, env, &stdout, &stderr)
	return ocf.Code(code), stderr.String()
}

// runAgent runs action of the VIPArip agent as root on the fake kernel k
// with the parameters values, and returns the exit code and stderr. Only
// for actions that send nothing (validate-all): start and stop announce
// on real sockets.
func runAgent(t *testing.T, k *netiftest.Kernel, action string, values map[string]string) (ocf.Code, string) {
	t.Helper()
	a := Agent()
	a.OpenHost = func() (ocf.Host, error) { return k.Host(), nil }
	env := ocf.MapEnv{"HA_RSCTMP": t.TempDir()}
	for k, v := range values {
		env["OCF_RESKEY_"+k] = v
	}
	var stdout, stderr bytes.Buffer
	code := ocf.Run(a, []string{"VIPArip", action}, env, &stdout, &stderr, ocf.WithEuid(0))
	return ocf.Code(code), stderr.String()
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func addr(s string) netip.Addr  { return netip.MustParseAddr(s) }

// The fake node: two uplinks (eth0 192.168.10.221/24 with a second subnet
// 192.168.20.221/24, eth1 192.168.30.221/24 and fe80::1), and eth2, which
// is down; its default route is set by each test. Names are no real
// interface's.
var (
	fakeLo   = netif.Link{Index: 1, Name: "lo", AdminUp: true, Loopback: true}
	fakeEth0 = netif.Link{Index: 2, Name: "fake-eth0", MAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, AdminUp: true}
	fakeEth1 = netif.Link{Index: 3, Name: "fake-eth1", MAC: net.HardwareAddr{2, 0, 0, 0, 0, 3}, AdminUp: true}
	fakeEth2 = netif.Link{Index: 4, Name: "fake-eth2", MAC: net.HardwareAddr{2, 0, 0, 0, 0, 4}}
)

func fakeNode(defaults ...netif.Route) *netiftest.Kernel {
	on := func(p string, link netif.Link) netif.Addr {
		return netif.Addr{Prefix: pfx(p), LinkIndex: link.Index, Label: link.Name}
	}
	return &netiftest.Kernel{
		Links: []netif.Link{fakeLo, fakeEth0, fakeEth1, fakeEth2},
		Addrs: []netif.Addr{
			{Prefix: pfx("127.0.0.1/8"), LinkIndex: 1, Label: "lo"},
			on("192.168.10.221/24", fakeEth0),
			on("192.168.20.221/24", fakeEth0),
			on("192.168.30.221/24", fakeEth1),
			{Prefix: pfx("fe80::1/64"), LinkIndex: fakeEth1.Index},
			on("192.168.40.221/24", fakeEth2),
		},
		Routes: defaults,
	}
}

// via is a single-path default route.
func via(gw string, link netif.Link) netif.Route {
	fam := pfx("0.0.0.0/0")
	if addr(gw).Is6() {
		fam = pfx("::/0")
	}
	return netif.Route{Dst: fam, Table: netif.TableMain, Type: netif.TypeUnicast, Protocol: unix.RTPROT_STATIC,
		LinkIndex: link.Index, Gateway: true, Via: addr(gw)}
}

// ecmp is a multipath default route through the nexthops.
func ecmp(nexthops ...netif.Nexthop) netif.Route {
	return netif.Route{Dst: pfx("0.0.0.0/0"), Table: netif.TableMain, Type: netif.TypeUnicast, Protocol: unix.RTPROT_STATIC,
		Gateway: true, Nexthops: nexthops}
}

func hop(gw string, link netif.Link, flags int) netif.Nexthop {
	return netif.Nexthop{LinkIndex: link.Index, Gateway: addr(gw), Weight: 1, Flags: flags}
}
