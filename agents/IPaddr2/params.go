package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// Parameter names. They and their defaults match resource-agents 4.12's
// IPaddr2 (plus proto and check_link_status from later releases), so
// existing resource definitions keep working unchanged.
const (
	pIP                = "ip"
	pNIC               = "nic"
	pCIDRNetmask       = "cidr_netmask"
	pBroadcast         = "broadcast"
	pIflabel           = "iflabel"
	pLVSSupport        = "lvs_support"
	pLVSv6Addrlabel    = "lvs_ipv6_addrlabel"
	pLVSv6AddrlabelVal = "lvs_ipv6_addrlabel_value"
	pMAC               = "mac"
	pClusterIPHash     = "clusterip_hash"
	pUniqueClone       = "unique_clone_address"
	pARPInterval       = "arp_interval"
	pARPCount          = "arp_count"
	pARPCountRefresh   = "arp_count_refresh"
	pARPBg             = "arp_bg"
	pARPSender         = "arp_sender"
	pSendARPOpts       = "send_arp_opts"
	pFlushRoutes       = "flush_routes"
	pRunARPing         = "run_arping"
	pNoDAD             = "nodad"
	pNoPrefixRoute     = "noprefixroute"
	pPreferredLft      = "preferred_lft"
	pNetworkNamespace  = "network_namespace"
	pCheckLinkStatus   = "check_link_status"
	pProto             = "proto"
)

var params = []ocf.Param{
	{Name: pIP, Kind: ocf.String, Required: true, Unique: true,
		Short: "IPv4 or IPv6 address",
		Long: "The virtual address to manage: IPv4 in dotted-quad notation, e.g. 192.168.1.101, or IPv6, " +
			"e.g. 2001:db8::101 (any notation; it is used in its canonical RFC 5952 form). A link-local IPv6 address needs nic."},
	{Name: pNIC, Kind: ocf.String, Check: checkNIC,
		Short: "Network interface",
		Long: "The interface to add the address to. Empty: the interface of the main routing table's " +
			"link-scope route that contains the address (longest prefix, then lowest metric). " +
			"An alternative interface name may be used. The old form nic:label sets iflabel too."},
	{Name: pCIDRNetmask, Kind: ocf.Netmask, Aliases: []string{"netmask"},
		Short: "CIDR netmask",
		Long: "Prefix length of the address, 1-32 for IPv4 (a dotted-quad mask is converted), 1-128 for IPv6. " +
			"Empty: the prefix of the route that selects the interface."},
	{Name: pBroadcast, Kind: ocf.String, // parsed by readConfig
		Short: "Broadcast address",
		Long: "Broadcast address of the virtual IPv4 address. Empty: that of the interface's address in the same subnet, " +
			"or computed from the prefix. '+' sets the host bits, '-' clears them. Ignored for IPv6."},
	{Name: pIflabel, Kind: ocf.String, Check: checkLabel,
		Short: "Interface label",
		Long:  "Label the IPv4 address as nic:iflabel (shown by ifconfig as an alias). nic:iflabel may be at most 15 characters. Linux has no labels for IPv6 addresses."},
	{Name: pLVSSupport, Kind: ocf.Boolean, Default: "false",
		Short: "Enable support for LVS Direct Routing",
		Long:  "For LVS direct-routing real servers that also hold the address as a /32 on a loopback interface: start removes that copy, stop puts it back."},
	{Name: pLVSv6Addrlabel, Kind: ocf.Boolean, Default: "true",
		Short: "Keep the IPv6 VIP from being a source address",
		Long: "IPv6 only: give the address its own address label (RFC 6724) while it runs, " +
			"so the node never picks it as the source of its own connections, which would break when it moves. Ignored for IPv4."},
	{Name: pLVSv6AddrlabelVal, Kind: ocf.Integer, Default: "99", Range: labelRange,
		Short: "IPv6 address label value",
		Long:  "The label lvs_ipv6_addrlabel gives the address (not one of the default policy's labels 0-13)."},
	{Name: pMAC, Kind: ocf.String,
		Short: "Cluster IP MAC address",
		Long:  "Only used by the cluster-IP clone mode, which needs the kernel's removed CLUSTERIP target and is refused."},
	{Name: pClusterIPHash, Kind: ocf.String, Default: "sourceip-sourceport",
		Short: "Cluster IP hashing function",
		Long:  "Only used by the cluster-IP clone mode, which needs the kernel's removed CLUSTERIP target and is refused."},
	{Name: pUniqueClone, Kind: ocf.Boolean, Default: "false",
		Short: "Create a unique address for each clone instance",
		Long:  "In a globally-unique clone, add the clone instance number to the last octet of ip, so each instance manages its own address."},
	{Name: pARPInterval, Kind: ocf.Integer, Default: "200", Range: ocf.AtLeast(1),
		Short: "Milliseconds between gratuitous ARP announcements",
		Long: "Interval between two announcements (IPv4: an ARP request followed, half an interval later, by an ARP reply; " +
			"IPv6: an unsolicited neighbor advertisement)."},
	{Name: pARPCount, Kind: ocf.Integer, Default: "5", Range: ocf.AtLeast(1),
		Short: "Number of gratuitous ARP announcements on start",
		Long: "How many announcements start sends (IPv6: unsolicited neighbor advertisements, after duplicate address detection). " +
			"The first is on the wire before start returns."},
	{Name: pARPCountRefresh, Kind: ocf.Integer, Default: "0", Range: ocf.AtLeast(0),
		Short: "Gratuitous ARP announcements on each monitor",
		Long:  "How many announcements each successful monitor sends again (0: none)."},
	{Name: pARPBg, Kind: ocf.Boolean, Default: "true",
		Short: "Send gratuitous ARP in the background",
		Long: "With true, start returns after the first announcement and a detached sender sends the rest; with false, start sends them all. " +
			"The same for IPv4 and IPv6 (resource-agents blocks for IPv6 unless this is set)."},
	{Name: pARPSender, Kind: ocf.String, Check: checkARPSender,
		Short: "ARP sender",
		Long:  "Accepted for compatibility (send_arp, iputils_arping, libnet_arping, ipoibarping); the built-in sender is always used."},
	{Name: pSendARPOpts, Kind: ocf.String,
		Short: "Options for the ARP sender",
		Long:  "Accepted for compatibility and ignored: the built-in sender is always used."},
	{Name: pFlushRoutes, Kind: ocf.Boolean, Default: "false",
		Short: "Flush the routing cache on stop",
		Long:  "Flush the routing cache of the address's family after removing the address."},
	{Name: pRunARPing, Kind: ocf.Boolean, Default: "false",
		Short: "Check for a duplicate address before start",
		Long:  "Before adding the address, probe for another host using it (RFC 5227 ARP probes); if one answers, start fails."},
	{Name: pNoDAD, Kind: ocf.Boolean, Default: "false",
		Short: "No duplicate address detection (IPv6 only)",
		Long: "IPv6 only: add the address without duplicate address detection, so it is usable at once. " +
			"Otherwise start waits for the kernel's detection (about a second) and fails if another node has the address."},
	{Name: pNoPrefixRoute, Kind: ocf.Boolean, Default: "false",
		Short: "Do not add a prefix route",
		Long:  "Add the address without the subnet route the kernel would otherwise add for it."},
	{Name: pPreferredLft, Kind: ocf.String, Default: "forever",
		Short: "Preferred lifetime (IPv6 only)",
		Long: "IPv6 only: forever, or seconds. 0 makes the address deprecated from the start, " +
			"so the node never chooses it as a source address. Ignored for IPv4."},
	{Name: pNetworkNamespace, Kind: ocf.String, Check: checkNamespace,
		Short: "Network namespace",
		Long:  "Manage the address inside this named network namespace (as created by ip netns add)."},
	{Name: pCheckLinkStatus, Kind: ocf.Boolean, Default: "true",
		Short: "Consider the link state",
		Long:  "With true, monitor reports the address as not running when its interface is down or has no carrier."},
	{Name: pProto, Kind: ocf.String, // parsed by readConfig
		Short: "Route protocol",
		Long:  "Only consider routes of this protocol (e.g. kernel, static, or a number) when choosing the interface."},
}

// labelRange is what an IPv6 address label can be: the kernel takes a
// 32-bit label but refuses 0xffffffff, its own "no label" value.
var labelRange = &ocf.Range{Min: 0, Max: math.MaxUint32 - 1}

// unsafeChars are refused in labels and namespace names, which
// resource-agents passes to a shell: a definition containing them is
// hostile or broken everywhere.
const unsafeChars = " \t\n\r;|&$`'\"<>(){}[]*?!~\\#="

func checkNIC(s string) error {
	name, label, _ := strings.Cut(s, ":")
	if err := netif.CheckName(name); err != nil {
		return err
	}
	if strings.Contains(s, ":") {
		return checkLabel(label)
	}
	return nil
}

func checkLabel(s string) error {
	if s == "" || len(s) >= ifnameMax || strings.ContainsAny(s, "/:"+unsafeChars) {
		return fmt.Errorf("%q is not a valid label", s)
	}
	return nil
}

func checkARPSender(s string) error {
	switch s {
	case "send_arp", "iputils_arping", "libnet_arping", "ipoibarping":
		return nil
	}
	return fmt.Errorf("%q is not one of send_arp, iputils_arping, libnet_arping, ipoibarping", s)
}

func checkNamespace(s string) error {
	if strings.ContainsAny(s, "/"+unsafeChars) || s == "." || s == ".." {
		return fmt.Errorf("%q is not a valid namespace name", s)
	}
	return nil
}
