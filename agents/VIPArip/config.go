package main

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/ocfnet/ocfnet/pkg/announce"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"github.com/ocfnet/ocfnet/pkg/rip"
)

var authModes = map[string]rip.AuthMode{
	"none": rip.AuthNone, "simple": rip.AuthSimple, "md5": rip.AuthMD5,
	"hmac-sha1": rip.AuthHMACSHA1, "hmac-sha256": rip.AuthHMACSHA256,
}

// Where routers listen: RIPv2 (RFC 2453 §4.5) and RIPng (RFC 2080 §2.5.2).
var (
	ripv2Group = netip.MustParseAddr("224.0.0.9")
	ripngGroup = netip.MustParseAddr("ff02::9")
)

// config is a validated resource definition, before this node's
// interface, source and destinations are resolved.
type config struct {
	ip             netip.Addr
	nic            string
	source         netip.Addr
	destinations   []netip.Addr
	version        uint8
	metric         uint32
	takeoverMetric uint32
	takeoverTime   time.Duration
	interval       time.Duration
	tag            uint16
	poisonCount    int
	onNIC          bool // vip_device=nic
	auth           announce.Auth
}

var (
	errNoIP  = errors.New("the ip parameter is mandatory")
	errBadIP = errors.New("invalid ip")
)

func parseIP(v *ocf.Values) (netip.Addr, error) {
	s := v.Get(pIP)
	if s == "" {
		return netip.Addr{}, errNoIP
	}
	a, err := ocf.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%w %q", errBadIP, s)
	}
	if a.IsMulticast() || a.IsLoopback() || a.IsUnspecified() ||
		(a.Is4() && (a.As4()[0] == 0 || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}))) {
		return netip.Addr{}, fmt.Errorf("%w %q: not a unicast address", errBadIP, s)
	}
	// A link-local address exists on every link: no router forwards to it.
	if a.IsLinkLocalUnicast() {
		return netip.Addr{}, fmt.Errorf("%w %q: a link-local address cannot be routed", errBadIP, s)
	}
	return a, nil
}

// parseConfig validates every parameter; each error is ErrConfigured.
func parseConfig(c *ocf.Context) (config, error) {
	v := c.Params
	if v.Get(pIP) == "" {
		return config{}, ocf.Fail(ocf.ErrConfigured, "%v", errNoIP)
	}
	if err := v.Validate(params); err != nil {
		return config{}, err
	}
	ip, err := parseIP(v)
	if err != nil {
		return config{}, ocf.Fail(ocf.ErrConfigured, "%v", err)
	}
	// Every range is declared in params: the conversions below cannot
	// overflow.
	n := map[string]int{}
	for _, name := range []string{pRIPVersion, pMetric, pTakeoverMetric, pTakeoverTime, pInterval, pRouteTag, pPoisonCount} {
		if n[name], err = v.Int(name); err != nil {
			return config{}, err
		}
	}
	cfg := config{
		ip:             ip,
		nic:            v.Get(pNIC),
		version:        uint8(n[pRIPVersion]),
		metric:         uint32(n[pMetric]),
		takeoverMetric: uint32(n[pTakeoverMetric]),
		takeoverTime:   time.Duration(n[pTakeoverTime]) * time.Second,
		interval:       time.Duration(n[pInterval]) * time.Second,
		tag:            uint16(n[pRouteTag]),
		poisonCount:    n[pPoisonCount],
		onNIC:          v.Get(pVIPDevice) == "nic",
	}
	if cfg.source, err = v.Addr(pSource); err != nil {
		return config{}, err
	}
	// Routers take the source as the route's next hop: the VIP's route
	// through the VIP itself resolves nowhere.
	if cfg.source == cfg.ip {
		return config{}, ocf.Fail(ocf.ErrConfigured, "source %s is the VIP: announce from an address of the node", v.Get(pSource))
	}
	if cfg.destinations, err = v.Addrs(pDestination); err != nil {
		return config{}, err
	}
	if err := checkFamily(c, cfg); err != nil {
		return config{}, err
	}
	if cfg.takeoverMetric >= cfg.metric && cfg.takeoverTime > 0 {
		return config{}, ocf.Fail(ocf.ErrConfigured, "takeover_metric %d must be lower than metric %d", cfg.takeoverMetric, cfg.metric)
	}
	if err := parseAuth(c, &cfg); err != nil {
		return config{}, err
	}
	if cfg.version == 1 {
		for _, d := range cfg.destinations {
			if d.IsMulticast() {
				return config{}, ocf.Fail(ocf.ErrConfigured, "rip_version 1 is broadcast only: destination %s is multicast", d)
			}
		}
		c.Log.Warnf("rip_version=1: RIPv1 carries no mask; many routers (FRR, BIRD by default) drop RIPv1 host routes")
	}
	for _, name := range []string{pZebraBinary, pRipdBinary} {
		if v.Get(name) != "" {
			c.Log.Debugf("%s is deprecated and ignored: no quagga is used", name)
		}
	}
	return cfg, nil
}

// checkFamily refuses a source or destination of the other family than
// ip, and what RIPng lacks: versions and authentication.
func checkFamily(c *ocf.Context, cfg config) error {
	for _, a := range append([]netip.Addr{cfg.source}, cfg.destinations...) {
		if a.IsValid() && a.Is4() != cfg.ip.Is4() {
			return ocf.Fail(ocf.ErrConfigured, "%s and ip %s are of different address families", a, cfg.ip)
		}
	}
	if cfg.ip.Is4() {
		return nil
	}
	// RFC 2080 §2.2: RIPng leaves authentication to IPsec.
	if mode := c.Params.Get(pAuthMode); mode != "none" {
		return ocf.Fail(ocf.ErrConfigured, "auth_mode %s: RIPng (an IPv6 ip) has no authentication", mode)
	}
	if cfg.source.IsValid() && !cfg.source.IsLinkLocalUnicast() {
		return ocf.Fail(ocf.ErrConfigured, "source %s: RIPng is sent from a link-local address (RFC 2080 §2.1)", cfg.source)
	}
	if c.Params.IsSet(pRIPVersion) {
		c.Log.Debugf("rip_version ignored for an IPv6 ip: RIPng has one version")
	}
	return nil
}

// parseAuth reads auth_mode and the key. A key file missing or unusable
// on this node is 5, and so is a key read from it that routers cannot
// use: another node's file may be right. A key parameter that can never
// work is 6.
func parseAuth(c *ocf.Context, cfg *config) error {
	v := c.Params
	keyID, err := v.Int(pAuthKeyID) // 0-255, declared in params
	if err != nil {
		return err
	}
	cfg.auth = announce.Auth{Mode: authModes[v.Get(pAuthMode)], KeyID: uint8(keyID)}
	if cfg.auth.Mode == rip.AuthNone {
		return nil
	}
	if cfg.version == 1 {
		return ocf.Fail(ocf.ErrConfigured, "auth_mode %s needs rip_version 2", v.Get(pAuthMode))
	}
	cfg.auth.Key = keyOf([]byte(v.Get(pAuthKey)))
	badKey := ocf.ErrConfigured
	if len(cfg.auth.Key) == 0 {
		path := v.Get(pAuthKeyFile)
		if path == "" {
			return ocf.Fail(ocf.ErrConfigured, "auth_mode %s needs auth_key or auth_key_file", v.Get(pAuthMode))
		}
		kf, err := readKeyFile(c.Context, path)
		if err != nil {
			return err
		}
		if kf.warn != "" {
			c.Log.Warnf("%s", kf.warn)
		}
		cfg.auth.Key, badKey = kf.key, ocf.ErrInstalled
	}
	if err := cfg.auth.RIPKey().Validate(); err != nil {
		// The error never contains the key.
		return ocf.Fail(badKey, "authentication key: %v", err)
	}
	return nil
}

// entry is the registry entry for cfg placed at p, starting at now.
func entry(cfg config, p placement, now announce.Mono) announce.Entry {
	return announce.Entry{
		VIP:            cfg.ip,
		Interface:      p.link.Name,
		IfIndex:        p.link.Index,
		Source:         p.source,
		Destinations:   p.destinations,
		Version:        cfg.version,
		Metric:         cfg.metric,
		TakeoverMetric: cfg.takeoverMetric,
		TakeoverUntil:  now.Add(cfg.takeoverTime),
		Interval:       cfg.interval,
		Tag:            cfg.tag,
		Auth:           cfg.auth,
		PoisonCount:    cfg.poisonCount,
	}
}
