// Command VIPArip is an OCF resource agent that holds a virtual IPv4 or
// IPv6 address on the active node and announces a host route for it with
// RIPv2 or RIPng,
// so the address can live on a subnet no node is attached to. A drop-in
// for resource-agents' ocf:heartbeat:VIPArip without quagga, and a
// replacement for the CLUSTERPRO X virtual IP resource.
package main

import "github.com/ocfnet/ocfnet/pkg/ocf"

func main() { ocf.Main(Agent()) }
