package main

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// ifnameMax is the longest interface name or label Linux accepts.
const ifnameMax = netif.NameMax

// config is a validated resource definition.
type config struct {
	ip          netip.Addr
	nic         string // "" chooses from the routing table
	iflabel     string
	bits        int    // 0 takes the prefix from the route
	broadcast   string // "", "+", "-" or an address
	proto       int
	lvs         bool
	arpCount    int
	arpInterval int // milliseconds
	arpRefresh  int
	arpBg       bool
	runARPing   bool
	noPrefix    bool
	flushRoutes bool
	checkLink   bool
	// IPv6 only.
	noDAD      bool
	preferred  *uint32 // nil: forever
	addrLabel  bool
	labelValue uint32
}

// Errors that the actions map to different codes (see the exit-code
// table in the README).
var (
	errNoIP      = errors.New("IP address (the ip parameter) is mandatory")
	errBadIP     = errors.New("invalid ip")
	errCLUSTERIP = errors.New("cloned IPaddr2 without unique_clone_address needs the CLUSTERIP iptables target, " +
		"which Linux removed in 6.1")
)

// parseIP reads the ip parameter.
func parseIP(v *ocf.Values) (netip.Addr, error) {
	s := v.Get(pIP)
	if s == "" {
		return netip.Addr{}, errNoIP
	}
	a, err := ocf.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%w %q", errBadIP, s)
	}
	// A VIP is one host's unicast address: 0.x.x.x (resource-agents'
	// check), multicast, the limited broadcast, :: and ::1 are wrong
	// everywhere.
	if a.IsMulticast() || a.IsUnspecified() || (a.Is4() && (a.As4()[0] == 0 || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}))) ||
		a == netip.IPv6Loopback() {
		return netip.Addr{}, fmt.Errorf("%w %q: not a unicast address", errBadIP, s)
	}
	return a, nil
}

// parseConfig validates every parameter. Each error is ErrConfigured: the
// values are wrong on every node.
func parseConfig(c *ocf.Context) (config, error) {
	v := c.Params
	if err := v.Validate(params); err != nil {
		if v.Get(pIP) == "" {
			return config{}, ocf.Fail(ocf.ErrConfigured, "%v", errNoIP)
		}
		return config{}, err
	}
	ip, err := parseIP(v)
	if err != nil {
		return config{}, ocf.Fail(ocf.ErrConfigured, "%v", err)
	}
	cfg := config{
		ip:          ip,
		broadcast:   v.Get(pBroadcast),
		lvs:         v.Bool(pLVSSupport),
		arpCount:    v.Int(pARPCount),
		arpInterval: v.Int(pARPInterval),
		arpRefresh:  v.Int(pARPCountRefresh),
		arpBg:       v.Bool(pARPBg),
		runARPing:   v.Bool(pRunARPing),
		noPrefix:    v.Bool(pNoPrefixRoute),
		flushRoutes: v.Bool(pFlushRoutes),
		checkLink:   v.Bool(pCheckLinkStatus),
		iflabel:     v.Get(pIflabel),
	}
	cfg.proto, _ = parseProto(v.Get(pProto))
	// The deprecated nic:label form wins over iflabel, as in resource-agents.
	cfg.nic, cfg.iflabel = splitNIC(v.Get(pNIC), cfg.iflabel)
	if err := netmaskParam(c, &cfg); err != nil {
		return config{}, err
	}
	if err := familyParams(c, &cfg); err != nil {
		return config{}, err
	}
	// A nic longer than a name is an alternative name: resolve checks the
	// label against the real name then.
	if cfg.iflabel != "" && len(cfg.nic) <= ifnameMax && len(cfg.nic)+1+len(cfg.iflabel) > ifnameMax {
		return config{}, ocf.Fail(ocf.ErrConfigured, "label %s:%s is longer than %d characters", cfg.nic, cfg.iflabel, ifnameMax)
	}
	if err := checkClone(c, cfg); err != nil {
		return config{}, err
	}
	for _, name := range []string{pARPSender, pSendARPOpts} {
		if s := v.Get(name); s != "" {
			c.Log.Debugf("%s=%s ignored: the built-in ARP sender is used", name, s)
		}
	}
	return cfg, nil
}

// familyParams reads the parameters that exist for one family only and
// refuses combinations that cannot work: resource-agents' rules, plus
// labels, which Linux keeps for IPv4 addresses only.
func familyParams(c *ocf.Context, cfg *config) error {
	v := c.Params
	if cfg.ip.Is4() {
		return nil
	}
	switch {
	case cfg.ip.IsLinkLocalUnicast() && cfg.nic == "":
		return ocf.Fail(ocf.ErrConfigured, "the link-local address %s needs nic: it exists on every link", cfg.ip)
	case cfg.lvs:
		return ocf.Fail(ocf.ErrConfigured, "lvs_support is for IPv4 addresses only")
	case cfg.iflabel != "":
		return ocf.Fail(ocf.ErrConfigured, "iflabel is for IPv4 addresses only: Linux has no labels for IPv6 addresses")
	}
	if v.Get(pBroadcast) != "" {
		c.Log.Warnf("broadcast=%s ignored: IPv6 has no broadcast", v.Get(pBroadcast))
		cfg.broadcast = ""
	}
	lft, err := parseLifetime(v.Get(pPreferredLft))
	if err != nil {
		return ocf.Fail(ocf.ErrConfigured, "invalid preferred_lft: %v", err)
	}
	cfg.preferred = lft
	cfg.noDAD = v.Bool(pNoDAD)
	cfg.addrLabel = v.Bool(pLVSv6Addrlabel)
	cfg.labelValue = uint32(v.Int(pLVSv6AddrlabelVal))
	return nil
}

// parseLifetime reads preferred_lft: "forever" (nil) or seconds.
func parseLifetime(s string) (*uint32, error) {
	if s == "forever" {
		return nil, nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n >= netif.Forever {
		return nil, fmt.Errorf("%q is neither forever nor a number of seconds", s)
	}
	u := uint32(n)
	return &u, nil
}

func splitNIC(nic, iflabel string) (string, string) {
	if name, label, ok := strings.Cut(nic, ":"); ok {
		return name, label
	}
	return nic, iflabel
}

// netmaskParam reads cidr_netmask, or the undocumented netmask alias that
// resource-agents honours when cidr_netmask is empty.
func netmaskParam(c *ocf.Context, cfg *config) error {
	s := c.Params.Get(pCIDRNetmask)
	name := pCIDRNetmask
	if s == "" {
		s = strings.TrimSpace(c.Env.Get("OCF_RESKEY_netmask"))
		name = "netmask"
	}
	if s == "" {
		return nil
	}
	bits, dotted, err := parseNetmask(s)
	if err == nil {
		err = fitNetmask(cfg.ip, bits, dotted, s)
	}
	if err != nil {
		return ocf.Fail(ocf.ErrConfigured, "invalid %s: %v", name, err)
	}
	if dotted {
		c.Log.Warnf("please convert dotted quad netmask %s to CIDR notation %d", s, bits)
	}
	cfg.bits = bits
	return nil
}

// fitNetmask checks a netmask against the address family: 1..32 or a
// dotted quad for IPv4, 1..128 for IPv6.
func fitNetmask(ip netip.Addr, bits int, dotted bool, s string) error {
	switch {
	case ip.Is4() && bits > ipv4Bits:
		return fmt.Errorf("%q is not a prefix length from 1 to 32", s)
	case ip.Is6() && dotted:
		return fmt.Errorf("%q: an IPv6 netmask is a prefix length from 1 to 128", s)
	}
	return nil
}

// Address lengths in bits.
const (
	ipv4Bits = 32
	ipv6Bits = 128
)

// parseNetmask accepts a prefix length 1..128 (fitNetmask narrows it to
// the family) or a contiguous dotted-quad mask; dotted reports the latter
// so the caller can warn.
func parseNetmask(s string) (bits int, dotted bool, err error) {
	if n, err := ocf.ParseInt(s); err == nil {
		if n < 1 || n > ipv6Bits {
			return 0, false, fmt.Errorf("%q is not a prefix length from 1 to 128", s)
		}
		return n, false, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return 0, false, fmt.Errorf("%q is neither a prefix length nor a netmask", s)
	}
	m := a.As4()
	u := uint32(m[0])<<24 | uint32(m[1])<<16 | uint32(m[2])<<8 | uint32(m[3])
	n := 0
	for u&0x80000000 != 0 {
		n++
		u <<= 1
	}
	if u != 0 || n == 0 {
		return 0, false, fmt.Errorf("%q is not a contiguous netmask", s)
	}
	return n, true, nil
}

// parseBroadcast accepts "", "+", "-" or an IPv4 address.
func parseBroadcast(s string) (netip.Addr, error) {
	if s == "" || s == "+" || s == "-" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Addr{}, fmt.Errorf("%q is not an IPv4 broadcast address, '+' or '-'", s)
	}
	return a, nil
}

// parseProto reads the proto parameter (netif.ParseProtocol).
func parseProto(s string) (int, error) { return netif.ParseProtocol(s) }

// checkClone refuses the cluster-IP clone mode and inconsistent clone
// settings.
func checkClone(c *ocf.Context, cfg config) error {
	maxs := ocf.Meta(c.Env, "clone_max")
	if maxs == "" {
		return nil
	}
	n, err := ocf.ParseInt(maxs)
	if err != nil || n < 1 {
		return ocf.Fail(ocf.ErrConfigured, "clone_max %q is not a positive integer", maxs)
	}
	if n == 1 {
		return nil
	}
	if cfg.lvs {
		return ocf.Fail(ocf.ErrConfigured, "lvs_support cannot be used in a clone")
	}
	if !c.Params.Bool(pUniqueClone) {
		return ocf.Fail(ocf.ErrConfigured, "%v", errCLUSTERIP)
	}
	return nil
}

// partialConfig reads only what finding an existing VIP needs, skipping
// invalid values: stop and monitor must work even when other parameters
// are wrong.
func partialConfig(c *ocf.Context, ip netip.Addr) config {
	v := c.Params
	cfg := config{ip: ip, proto: netif.AnyProtocol}
	cfg.nic, cfg.iflabel = splitNIC(v.Get(pNIC), v.Get(pIflabel))
	if netif.CheckName(cfg.nic) != nil {
		cfg.nic = ""
	}
	mask := v.Get(pCIDRNetmask)
	if mask == "" {
		mask = strings.TrimSpace(c.Env.Get("OCF_RESKEY_netmask"))
	}
	if bits, dotted, err := parseNetmask(mask); err == nil && fitNetmask(ip, bits, dotted, mask) == nil {
		cfg.bits = bits
	}
	if p, err := parseProto(v.Get(pProto)); err == nil {
		cfg.proto = p
	}
	return cfg
}
