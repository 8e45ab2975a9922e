package main

import (
	"os"
	"time"

	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// geteuid is replaced in unit tests.
var geteuid = os.Geteuid

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
		Params: params,
		// The README's definitions, which the tests run verbatim.
		Examples: []ocf.Example{{
			Title: "A routed VIP on its own subnet, announced on the default route's interface to 224.0.0.9:",
			CRM: "crm configure primitive rvip ocf:ocfnet:VIPArip \\\n" +
				"    params ip=192.168.13.229 \\\n" +
				"    op monitor interval=5s timeout=20s",
			PCS: "pcs resource create rvip ocf:ocfnet:VIPArip ip=192.168.13.229 op monitor interval=5s",
		}},
		Actions: []ocf.Action{
			{Name: "start", Timeout: 20 * time.Second, Run: start},
			{Name: "stop", Timeout: 20 * time.Second, Run: stop},
			{Name: "monitor", Timeout: 20 * time.Second, Interval: 5 * time.Second, Depth: "0", Run: monitor},
			{Name: "validate-all", Timeout: 20 * time.Second, Run: validateAll},
			{Name: "meta-data", Timeout: 5 * time.Second},
			{Name: announcerAction, Hidden: true, Run: runAnnouncer},
		},
	}
}
