// Command IPaddr2 is an OCF resource agent that manages a virtual IPv4 or
// IPv6 address on a Linux interface, a drop-in for resource-agents'
// ocf:heartbeat:IPaddr2 that uses netlink instead of ip(8) and sends
// gratuitous ARP and neighbor advertisements itself.
package main

import "github.com/ocfnet/ocfnet/pkg/ocf"

func main() { ocf.Main(Agent()) }
