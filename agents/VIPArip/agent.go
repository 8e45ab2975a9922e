package main

import (
	"time"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// Agent returns the VIPArip declaration.
func Agent() *ocf.Agent {
	return &ocf.Agent{
		Name:  "VIPArip",
		Short: "Virtual IPv4 or IPv6 address announced with RIP",
		Long: "Holds a virtual IPv4 address as a /32 on the active node (on lo by default) and announces a host " +
			"route for it with RIPv2 (optionally authenticated), or an IPv6 address as a /128 announced with RIPng " +
			"from the interface's link-local address to ff02::9, so the address can live on a subnet no node is " +
			"attached to; routers such as FRR, BIRD, Cisco IOS or Windows RRAS follow it when it moves. With only ip " +
			"set it announces on the default route's interface to 224.0.0.9. A new owner announces a lower takeover " +
			"metric first, so routers drop a crashed owner's route at once; stop withdraws the route with metric 16. " +
			"A replacement for ocf:heartbeat:VIPArip without quagga, by ocfnet.",
		Params:   params,
		OpenHost: ocf.Opener(netif.Open),
		// The README's definitions, which the tests run verbatim.
		Examples: []ocf.Example{{
			Title: "A routed VIP on its own subnet, announced on the default route's interface to 224.0.0.9:",
			CRM: "crm configure primitive rvip ocf:ocfnet:VIPArip \\\n" +
				"    params ip=192.168.13.229 \\\n" +
				"    op monitor interval=5s timeout=20s",
			PCS: "pcs resource create rvip ocf:ocfnet:VIPArip ip=192.168.13.229 op monitor interval=5s",
		}},
		// Start and stop change the node: root. Every action but the
		// announcer (which opens its own once it is the only one) works on
		// the host.
		Actions: []ocf.Action{
			{Name: ocf.ActionStart, Timeout: 20 * time.Second, Needs: ocf.NeedRoot | ocf.NeedHost, Run: ocf.Checked(parseConfig, ocf.OnHost(start))},
			{Name: ocf.ActionStop, Timeout: 20 * time.Second, Needs: ocf.NeedRoot | ocf.NeedHost, Run: ocf.Stopping(vipParam, ocf.OnHost(stop))},
			{Name: ocf.ActionMonitor, Timeout: 20 * time.Second, Interval: 5 * time.Second, Depth: "0", Needs: ocf.NeedHost, Run: ocf.Monitoring(vipParam, ocf.OnHost(monitor))},
			{Name: ocf.ActionValidateAll, Timeout: 20 * time.Second, Needs: ocf.NeedHost, Run: ocf.Validating(parseConfig, ocf.OnHost(validateAll))},
			{Name: ocf.ActionMetaData, Timeout: 5 * time.Second},
			{Name: announcerAction, Hidden: true, Needs: ocf.NeedHost, Run: ocf.DoOnHost(runAnnouncer)},
		},
	}
}
