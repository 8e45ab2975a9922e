package main

import (
	"bytes"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/netif/netiftest"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"golang.org/x/sys/unix"
)

// The unprivileged tests of interface and prefix choice, placement,
// idempotence, rollback and lookup by record run the agent, or call its
// functions, with a *netif.Host over netiftest's fake kernel.

// runAgent runs action of the IPaddr2 agent as root on the fake kernel k,
// with the parameters values and HA_RSCTMP dir (state persists across
// runs with the same dir). "probe" is a monitor without interval.
// Nothing leaves the process: the fake links are NOARP, so no ARP socket
// is opened. It returns the exit code and stderr.
func runAgent(t *testing.T, k *netiftest.Kernel, dir, action string, values map[string]string) (ocf.Code, string) {
	t.Helper()
	a := Agent()
	a.OpenHost = func() (ocf.Host, error) { return k.Host(), nil }
	env := ocf.MapEnv{"HA_RSCTMP": dir}
	for k, v := range values {
		env["OCF_RESKEY_"+k] = v
	}
	if action == "probe" {
		action = ocf.ActionMonitor
	} else if action == ocf.ActionMonitor {
		env["OCF_RESKEY_CRM_meta_interval"] = "10000"
	}
	var stdout, stderr bytes.Buffer
	code := ocf.Run(a, []string{"IPaddr2", action}, env, &stdout, &stderr, ocf.WithEuid(0))
	return ocf.Code(code), stderr.String()
}

// inAction runs fn as an action of an agent with IPaddr2's parameters
// set from values, and returns the exit code and stderr: for the
// agent's functions that need an *ocf.Context.
func inAction(t *testing.T, action string, values map[string]string, fn func(c *ocf.Context) error) (ocf.Code, string) {
	t.Helper()
	env := ocf.MapEnv{"HA_RSCTMP": t.TempDir()}
	for k, v := range values {
		env["OCF_RESKEY_"+k] = v
	}
	a := &ocf.Agent{Name: "IPaddr2", Params: params, Actions: []ocf.Action{{Name: action, Run: ocf.Do(fn)}}}
	var stdout, stderr bytes.Buffer
	code := ocf.Run(a, []string{"IPaddr2", action}, env, &stdout, &stderr)
	return ocf.Code(code), stderr.String()
}

// exitReason is the ocf-exit-reason line of stderr, "" for none.
func exitReason(stderr string) string {
	for line := range strings.Lines(stderr) {
		if r, ok := strings.CutPrefix(line, "ocf-exit-reason:"); ok {
			return strings.TrimSpace(r)
		}
	}
	return ""
}

// The fake node: lo, eth0 with 192.168.1.10/24 and 2001:db8:1::10/64,
// eth1 with 192.168.2.10/24, eth2 down with 10.20.0.1/16; routes as the
// kernel makes them for those, a /25 more specific than eth0's /24 on
// eth1, a gateway route, a default route, and lo's local 127/8. Names are
// no real interface's: should the ARP code ever run, nothing is sent.
var (
	fakeLo   = netif.Link{Index: 1, Name: "lo", AdminUp: true, Loopback: true}
	fakeEth0 = netif.Link{Index: 2, Name: "fake-eth0", AltNames: []string{"fake-uplink", "fake-uplink-of-the-node"}, MAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, AdminUp: true, NoARP: true}
	fakeEth1 = netif.Link{Index: 3, Name: "fake-eth1", MAC: net.HardwareAddr{2, 0, 0, 0, 0, 3}, AdminUp: true, NoARP: true}
	fakeEth2 = netif.Link{Index: 4, Name: "fake-eth2", MAC: net.HardwareAddr{2, 0, 0, 0, 0, 4}, NoARP: true}
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func ip(s string) netip.Addr    { return netip.MustParseAddr(s) }

func connected(dst string, link, metric int) netif.Route {
	r := netif.Route{Dst: pfx(dst), LinkIndex: link, Metric: metric, Table: netif.TableMain,
		Type: netif.TypeUnicast, Scope: netif.ScopeLink, Protocol: unix.RTPROT_KERNEL}
	if r.Dst.Addr().Is6() {
		r.Scope = unix.RT_SCOPE_UNIVERSE
	}
	return r
}

func fakeNode() *netiftest.Kernel {
	base := func(p string, link netif.Link, bcast string) netif.Addr {
		a := netif.Addr{Prefix: pfx(p), LinkIndex: link.Index}
		if bcast != "" {
			a.Label, a.Broadcast = link.Name, ip(bcast)
		}
		return a
	}
	return &netiftest.Kernel{
		Links: []netif.Link{fakeLo, fakeEth0, fakeEth1, fakeEth2},
		Addrs: []netif.Addr{
			base("127.0.0.1/8", fakeLo, ""),
			base("192.168.1.10/24", fakeEth0, "192.168.1.255"),
			base("2001:db8:1::10/64", fakeEth0, ""),
			base("192.168.2.10/24", fakeEth1, "192.168.2.255"),
			base("10.20.0.1/16", fakeEth2, "10.20.255.255"),
		},
		Routes: []netif.Route{
			connected("192.168.1.0/24", 2, 0),
			connected("192.168.1.0/25", 3, 0),
			connected("192.168.2.0/24", 3, 0),
			connected("10.20.0.0/16", 4, 0),
			connected("172.16.0.0/16", 2, 200),
			connected("172.16.0.0/16", 3, 100),
			connected("2001:db8:1::/64", 2, 256),
			{Dst: pfx("10.30.0.0/16"), Table: netif.TableMain, Type: netif.TypeUnicast, Protocol: unix.RTPROT_STATIC,
				LinkIndex: 2, Gateway: true, Via: ip("192.168.1.1")},
			{Dst: pfx("0.0.0.0/0"), Table: netif.TableMain, Type: netif.TypeUnicast, Protocol: unix.RTPROT_STATIC,
				LinkIndex: 2, Gateway: true, Via: ip("192.168.1.1")},
			{Dst: pfx("10.40.0.0/16"), Table: 100, Type: netif.TypeUnicast, Scope: netif.ScopeLink, LinkIndex: 2},
			{Dst: pfx("127.0.0.0/8"), Table: netif.TableLocal, Type: netif.TypeLocal, Scope: netif.ScopeHost, LinkIndex: 1},
		},
	}
}

// holding returns the kernel's copies of vip.
func holding(k *netiftest.Kernel, vip string) []netif.Addr {
	return netif.Holding(k.Addrs, ip(vip), 0, 0)
}

// changes counts the requests that asked the kernel to change something.
func changes(k *netiftest.Kernel) int {
	n := 0
	for _, r := range k.Requests {
		if r.Changes() {
			n++
		}
	}
	return n
}
