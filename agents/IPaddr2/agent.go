package main

import (
	"time"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// Agent returns the IPaddr2 declaration. Action timeouts are those
// resource-agents advertises, which pcs copies into new resources.
func Agent() *ocf.Agent {
	return &ocf.Agent{
		Name:  "IPaddr2",
		Short: "Manages virtual IPv4 and IPv6 addresses (Linux specific version)",
		Long: "Adds a virtual IPv4 or IPv6 address to a network interface on start and removes it on stop, " +
			"announcing it with gratuitous ARP (IPv6: unsolicited neighbor advertisements, after duplicate address detection) " +
			"so that neighbours update their caches at once. " +
			"With nic and cidr_netmask empty, the interface and prefix come from the routing table, " +
			"so one definition serves nodes whose interfaces differ. " +
			"A drop-in replacement for ocf:heartbeat:IPaddr2 by ocfnet, using netlink directly.",
		Params:   params,
		Prepare:  prepare,
		OpenHost: ocf.Opener(netif.Open),
		// The README's definitions, which the tests run verbatim.
		Examples: []ocf.Example{{
			Title: "A VIP on the interface the routing table chooses on each node, monitored every 10 seconds:",
			CRM: "crm configure primitive vip ocf:ocfnet:IPaddr2 \\\n" +
				"    params ip=192.168.1.100 \\\n" +
				"    op monitor interval=10s timeout=20s",
			PCS: "pcs resource create vip ocf:ocfnet:IPaddr2 ip=192.168.1.100 op monitor interval=10s",
		}},
		// Start and stop change the node: root. Every action but the
		// detached sender (which opens its own) works on the host.
		Actions: []ocf.Action{
			{Name: ocf.ActionStart, Timeout: 20 * time.Second, Needs: ocf.NeedRoot | ocf.NeedHost, Run: ocf.Checked(parseConfig, ocf.OnHost(start))},
			{Name: ocf.ActionStop, Timeout: 20 * time.Second, Needs: ocf.NeedRoot | ocf.NeedHost, Run: ocf.Stopping(vipParam, ocf.OnHost(stop))},
			{Name: ocf.ActionStatus, Timeout: 20 * time.Second, Interval: 10 * time.Second, Depth: "0", Needs: ocf.NeedHost, Run: status},
			{Name: ocf.ActionMonitor, Timeout: 20 * time.Second, Interval: 10 * time.Second, Depth: "0", Needs: ocf.NeedHost, Run: ocf.Monitoring(vipParam, ocf.OnHost(monitor))},
			{Name: ocf.ActionMetaData, Timeout: 5 * time.Second},
			{Name: ocf.ActionValidateAll, Timeout: 20 * time.Second, Needs: ocf.NeedHost, Run: ocf.Validating(parseConfig, ocf.OnHost(validateAll))},
			{Name: garpAction, Hidden: true, Needs: ocf.NeedHost, Run: ocf.DoOnHost(runGARP)},
		},
	}
}
