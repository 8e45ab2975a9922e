package netif

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// protocolNames are the route protocol names of iproute2's rt_protos
// (ip route ... proto NAME), as resource-agents' proto parameter takes
// them.
var protocolNames = map[string]int{
	"redirect": unix.RTPROT_REDIRECT, "kernel": unix.RTPROT_KERNEL, "boot": unix.RTPROT_BOOT,
	"static": unix.RTPROT_STATIC, "ra": unix.RTPROT_RA, "dhcp": unix.RTPROT_DHCP,
	"keepalived": unix.RTPROT_KEEPALIVED, "babel": unix.RTPROT_BABEL, "bgp": unix.RTPROT_BGP,
	"isis": unix.RTPROT_ISIS, "ospf": unix.RTPROT_OSPF, "rip": unix.RTPROT_RIP, "eigrp": unix.RTPROT_EIGRP,
}

// ParseProtocol reads a route protocol (RTPROT_*) for Want.Protocol: a
// name of iproute2's rt_protos or a number 0 to 255; "" is AnyProtocol.
func ParseProtocol(s string) (int, error) {
	if s == "" {
		return AnyProtocol, nil
	}
	if n, ok := protocolNames[s]; ok {
		return n, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 255 {
		return 0, fmt.Errorf("%q is not a route protocol name or number 0-255", s)
	}
	return n, nil
}
