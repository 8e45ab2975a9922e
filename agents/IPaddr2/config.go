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
	bits        int // 0 takes the prefix from the route
	broadcast   broadcast
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

// Stop, monitor and the detached sender run with whatever parameters
// they are given, which start may have refused: there, a value that does
// not parse counts as false or 0, never as its default.
func boolOrFalse(v *ocf.Values, name string) bool {
	b, err := v.Bool(name)
	return err == nil && b
}

func intOrZero(v *ocf.Values, name string) int {
	n, err := v.Int(name)
	if err != nil {
		return 0
	}
	return n
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

// parseConfig reads the resource definition for start and validate-all,
// which fail on any error; each is ErrConfigured: the values are wrong on
// every node.
func parseConfig(c *ocf.Context) (config, error) {
	cfg, errs := readConfig(c)
	// The syntax of every value first, in declaration order; then the
	// combinations, in the order readConfig checks them, with the notes
	// it made on the way.
	if err := errs.firstField(); err != nil {
		return config{}, err
	}
	for _, n := range errs.notes {
		c.Log.Warnf("%s", n)
	}
	if errs.combined != nil {
		return config{}, errs.combined
	}
	for _, name := range []string{pARPSender, pSendARPOpts} {
		if s := c.Params.Get(name); s != "" {
			c.Log.Debugf("%s=%s ignored: the built-in ARP sender is used", name, s)
		}
	}
	return cfg, nil
}

// problems are what readConfig found wrong: per parameter (kind, range,
// syntax), and the first in the combinations of valid values.
type problems struct {
	field    map[string]error
	combined error
	notes    []string // warnings for start, in order, up to the combined error
}

func (p *problems) add(name string, err error) {
	if err != nil && p.field[name] == nil {
		p.field[name] = err
	}
}

// firstField is the problem of the first parameter declared with one.
func (p *problems) firstField() error {
	for _, d := range params {
		if err := p.field[d.Name]; err != nil {
			return err
		}
	}
	return nil
}

// readConfig is the one parser of the parameters. It returns every field
// that parsed, with the others at their neutral value (nic "", bits 0,
// proto any), and the problems: start and validate-all fail on any, stop
// and monitor, which must work with bad parameters, use what parsed.
func readConfig(c *ocf.Context) (config, problems) {
	v := c.Params
	errs := problems{field: map[string]error{}}
	for _, p := range params {
		errs.add(p.Name, v.Check(p.Name)) // kinds, ranges and Checks
	}
	cfg := config{proto: netif.AnyProtocol, iflabel: v.Get(pIflabel)}
	readBool := func(name string) bool {
		b, err := v.Bool(name)
		errs.add(name, err)
		return b
	}
	readInt := func(name string) int {
		n, err := v.Int(name)
		errs.add(name, err)
		return n
	}
	cfg.lvs = readBool(pLVSSupport)
	cfg.arpCount = readInt(pARPCount)
	cfg.arpInterval = readInt(pARPInterval)
	cfg.arpRefresh = readInt(pARPCountRefresh)
	cfg.arpBg = readBool(pARPBg)
	cfg.runARPing = readBool(pRunARPing)
	cfg.noPrefix = readBool(pNoPrefixRoute)
	cfg.flushRoutes = readBool(pFlushRoutes)
	cfg.checkLink = readBool(pCheckLinkStatus)
	var err error
	if cfg.broadcast, err = parseBroadcast(v.Get(pBroadcast)); err != nil {
		errs.add(pBroadcast, ocf.Fail(ocf.ErrConfigured, "invalid %s: %v", pBroadcast, err))
	}
	if p, err := parseProto(v.Get(pProto)); err != nil {
		errs.add(pProto, ocf.Fail(ocf.ErrConfigured, "invalid %s: %v", pProto, err))
	} else {
		cfg.proto = p
	}
	// The deprecated nic:label form wins over iflabel, as in resource-agents.
	cfg.nic, cfg.iflabel = splitNIC(v.Get(pNIC), cfg.iflabel)
	if netif.CheckName(cfg.nic) != nil {
		cfg.nic = "" // reported by checkNIC
	}
	if v.Get(pIP) == "" {
		errs.field[pIP] = ocf.Fail(ocf.ErrConfigured, "%v", errNoIP)
		return cfg, errs
	}
	if cfg.ip, err = parseIP(v); err != nil {
		errs.combined = ocf.Fail(ocf.ErrConfigured, "%v", err)
		return cfg, errs
	}
	errs.combined = combined(c, &cfg, &errs)
	return cfg, errs
}

// combined checks what depends on more than one parameter, stopping at
// the first problem, as start reports only that one.
func combined(c *ocf.Context, cfg *config, errs *problems) error {
	if err := netmaskParam(c, cfg, errs); err != nil {
		return err
	}
	if err := familyParams(c, cfg, errs); err != nil {
		return err
	}
	// A nic longer than a name is an alternative name: resolve checks the
	// label against the real name then.
	if cfg.iflabel != "" && len(cfg.nic) <= ifnameMax && len(cfg.nic)+1+len(cfg.iflabel) > ifnameMax {
		return ocf.Fail(ocf.ErrConfigured, "label %s:%s is longer than %d characters", cfg.nic, cfg.iflabel, ifnameMax)
	}
	return checkClone(c, *cfg)
}

// familyParams reads the parameters that exist for one family only and
// refuses combinations that cannot work: resource-agents' rules, plus
// labels, which Linux keeps for IPv4 addresses only.
func familyParams(c *ocf.Context, cfg *config, errs *problems) error {
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
	if s := v.Get(pBroadcast); s != "" {
		errs.notes = append(errs.notes, fmt.Sprintf("broadcast=%s ignored: IPv6 has no broadcast", s))
		cfg.broadcast = broadcast{}
	}
	lft, err := parseLifetime(v.Get(pPreferredLft))
	if err != nil {
		return ocf.Fail(ocf.ErrConfigured, "invalid preferred_lft: %v", err)
	}
	cfg.preferred = lft
	var noDAD, addrLabel bool
	var labelValue int
	if noDAD, err = v.Bool(pNoDAD); err != nil {
		return err
	}
	if addrLabel, err = v.Bool(pLVSv6Addrlabel); err != nil {
		return err
	}
	// lvs_ipv6_addrlabel_value is declared non-negative; the kernel
	// takes any 32-bit label.
	if labelValue, err = v.Int(pLVSv6AddrlabelVal); err != nil {
		return err
	}
	cfg.noDAD, cfg.addrLabel, cfg.labelValue = noDAD, addrLabel, uint32(labelValue)
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

// netmaskParam fits cidr_netmask (or its undocumented alias netmask,
// which resource-agents honours when cidr_netmask is empty) to the
// address family. Its syntax is the declaration's: a value that does not
// parse is a field problem already.
func netmaskParam(c *ocf.Context, cfg *config, errs *problems) error {
	bits, dotted, err := c.Params.Netmask(pCIDRNetmask)
	if err != nil || bits == 0 {
		return nil
	}
	name, s := c.Params.GivenAs(pCIDRNetmask), c.Params.Get(pCIDRNetmask)
	if err := fitNetmask(cfg.ip, bits, dotted, s); err != nil {
		return ocf.Fail(ocf.ErrConfigured, "invalid %s: %v", name, err)
	}
	if dotted {
		errs.notes = append(errs.notes, fmt.Sprintf("please convert dotted quad netmask %s to CIDR notation %d", s, bits))
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

// broadcast is the broadcast parameter, parsed: how start chooses the
// broadcast address of an IPv4 VIP.
type broadcast struct {
	rule broadcastRule
	addr netip.Addr // brdGiven
}

type broadcastRule int

const (
	brdAuto  broadcastRule = iota // empty: the base address's, or computed
	brdOnes                       // "+": all host bits set
	brdZeros                      // "-": no host bits set
	brdGiven                      // an IPv4 address, as given
)

// parseBroadcast reads "", "+", "-" or an IPv4 address.
func parseBroadcast(s string) (broadcast, error) {
	switch s {
	case "":
		return broadcast{}, nil
	case "+":
		return broadcast{rule: brdOnes}, nil
	case "-":
		return broadcast{rule: brdZeros}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return broadcast{}, fmt.Errorf("%q is not an IPv4 broadcast address, '+' or '-'", s)
	}
	return broadcast{rule: brdGiven, addr: a}, nil
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
	unique, err := c.Params.Bool(pUniqueClone)
	if err != nil {
		return err
	}
	if !unique {
		return ocf.Fail(ocf.ErrConfigured, "%v", errCLUSTERIP)
	}
	return nil
}
