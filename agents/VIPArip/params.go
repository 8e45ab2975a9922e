package main

import (
	"fmt"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// Parameter names.
const (
	pIP             = "ip"
	pNIC            = "nic"
	pSource         = "source"
	pDestination    = "destination"
	pRIPVersion     = "rip_version"
	pMetric         = "metric"
	pTakeoverMetric = "takeover_metric"
	pTakeoverTime   = "takeover_time"
	pInterval       = "interval"
	pRouteTag       = "route_tag"
	pPoisonCount    = "poison_count"
	pVIPDevice      = "vip_device"
	pAuthMode       = "auth_mode"
	pAuthKey        = "auth_key"
	pAuthKeyFile    = "auth_key_file"
	pAuthKeyID      = "auth_key_id"
	pZebraBinary    = "zebra_binary"
	pRipdBinary     = "ripd_binary"
)

var params = []ocf.Param{
	{Name: pIP, Kind: ocf.String, Required: true, Unique: true,
		Short: "Virtual IPv4 or IPv6 address",
		Long: "The virtual address, usually in a subnet no node is attached to. It is held as a /32 (IPv6: /128) " +
			"and announced as a host route: with RIPv2, or with RIPng (RFC 2080) for IPv6."},
	{Name: pNIC, Kind: ocf.String, Check: netif.CheckName,
		Short: "Interface to announce on",
		Long:  "The interface the RIP announcements leave from. Empty: the interface of the default route."},
	{Name: pSource, Kind: ocf.IPAddr,
		Short: "Source address of the announcements",
		Long: "Source address of the announcements; routers use it as the route's next hop. It must be on nic. " +
			"Empty: the primary address of nic. RIPng: a link-local address, by default nic's."},
	{Name: pDestination, Kind: ocf.IPAddrList,
		Short: "Where announcements go",
		Long: "Space-separated destinations: 224.0.0.9 (the RIPv2 default), a subnet broadcast address " +
			"(as CLUSTERPRO sends, and the RIPv1 default), or routers' unicast addresses. RIPng: ff02::9 (the default) " +
			"or routers' link-local addresses."},
	{Name: pRIPVersion, Kind: ocf.Integer, Default: "2", Range: ocf.Between(1, 2, "the RIP version"),
		Short: "RIP version",
		Long: "2 (default) or 1. RIPv1 carries no mask, no next hop and no authentication; many routers drop RIPv1 host routes. " +
			"Ignored for an IPv6 ip (RIPng has one version)."},
	{Name: pMetric, Kind: ocf.Integer, Default: "2", Range: metricRange,
		Short: "Steady metric",
		Long:  "Metric announced once the takeover window is over, 1 to 14 (routers add 1; 16 is unreachable)."},
	{Name: pTakeoverMetric, Kind: ocf.Integer, Default: "1", Range: metricRange,
		Short: "Takeover metric",
		Long: "Lower metric announced for takeover_time after start, so routers replace a crashed owner's " +
			"route at once instead of after RIP's 180 s timeout. 1 to 14, lower than metric."},
	{Name: pTakeoverTime, Kind: ocf.Integer, Default: "5", Range: ocf.Between(0, 9, "the takeover time"),
		Short: "Takeover window in seconds",
		Long:  "How long the takeover metric is announced after start, 0 to 9 seconds."},
	{Name: pInterval, Kind: ocf.Integer, Default: "30", Range: ocf.Between(1, 60, "the interval"),
		Short: "Seconds between refreshes",
		Long:  "Interval of the periodic announcements, 1 to 60 seconds (RIP's default is 30; routers expire a route after 180 s)."},
	{Name: pRouteTag, Kind: ocf.Integer, Default: "0", Range: ocf.Between(0, 65535, "a route tag"),
		Short: "Route tag",
		Long:  "RIPv2 and RIPng route tag, 0 to 65535, for filtering on the routers."},
	{Name: pPoisonCount, Kind: ocf.Integer, Default: "3", Range: ocf.Between(0, 10, "the poison count"),
		Short: "Poison announcements on stop",
		Long:  "How many metric-16 announcements stop sends to withdraw the route at once, 0 to 10 (0: none, for routers with hold-down timers)."},
	{Name: pVIPDevice, Kind: ocf.String, Default: "lo", Check: checkVIPDevice,
		Short: "Where the VIP is held",
		Long:  "lo (default): the VIP as a host address (/32, /128) on the loopback interface; nic: on the announcing interface."},
	{Name: pAuthMode, Kind: ocf.String, Default: "none", Check: checkAuthMode,
		Short: "RIPv2 authentication",
		Long: "none, simple (clear-text password), md5 (keyed MD5, RFC 2082), hmac-sha1 or hmac-sha256 (RFC 4822). " +
			"RIPng has no authentication: an IPv6 ip needs none."},
	{Name: pAuthKey, Kind: ocf.String, Secret: true,
		Short: "Authentication key",
		Long: "The key, if auth_mode is not none; white space around it is not part of it. " +
			"Prefer auth_key_file, which keeps the secret out of the CIB."},
	{Name: pAuthKeyFile, Kind: ocf.String,
		Short: "File holding the authentication key",
		Long: "A file whose first line is the key, used when auth_key is empty. As for auth_key, white space around " +
			"the key (and the line's LF or CR LF) is not part of it, so the same key gives the same digest either way. " +
			"The file must be a regular file (or a symlink to one) of at most 1024 octets a line, owned by root, " +
			"writable by no one else (mode 600 or 400; readable by others only with a warning)."},
	{Name: pAuthKeyID, Kind: ocf.Integer, Default: "1", Range: ocf.Between(0, 255, "a key id"),
		Short: "Authentication key id",
		Long:  "Key id of md5 and hmac-sha authentication, 0 to 255, as configured on the routers."},
	{Name: pZebraBinary, Kind: ocf.String,
		Short: "Deprecated, ignored",
		Long:  "Accepted for compatibility with ocf:heartbeat:VIPArip and ignored: no quagga is used."},
	{Name: pRipdBinary, Kind: ocf.String,
		Short: "Deprecated, ignored",
		Long:  "Accepted for compatibility with ocf:heartbeat:VIPArip and ignored: no quagga is used."},
}

// metricRange allows 1 to 14: a router adds 1 to what it hears (RFC 2453
// §3.9.2), so 15 arrives as 16, unreachable, and the route is never used.
var metricRange = ocf.Between(1, 14, "a metric")

func checkVIPDevice(s string) error {
	if s != "lo" && s != "nic" {
		return fmt.Errorf("%q: vip_device is lo or nic", s)
	}
	return nil
}

func checkAuthMode(s string) error {
	if _, ok := authModes[s]; !ok {
		return fmt.Errorf("%q: auth_mode is none, simple, md5, hmac-sha1 or hmac-sha256", s)
	}
	return nil
}
