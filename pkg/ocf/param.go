package ocf

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// Kind is a parameter's type. The meta-data content type is derived from
// it: OCF 1.0 knows only string, integer and boolean, so addresses are
// advertised as strings and checked here.
type Kind int

// Parameter kinds.
const (
	String Kind = iota
	Integer
	Boolean
	IPAddr     // an IPv4 or IPv6 address, no prefix
	IPAddrList // IPAddr values separated by white space
	Netmask    // a prefix length 1-128, or a contiguous IPv4 dotted-quad mask
)

func (k Kind) contentType() string {
	switch k {
	case Integer:
		return "integer"
	case Boolean:
		return "boolean"
	}
	return "string"
}

// Param declares one OCF_RESKEY_ parameter. The same declaration drives
// meta-data, command-line flags, defaults and validate-all.
type Param struct {
	Name     string // a shell identifier: ocf-tester exports it with eval
	Kind     Kind
	Default  string
	Required bool
	Unique   bool
	Secret   bool   // never logged (keys, passwords)
	Short    string // one line for shortdesc and --help
	Long     string // longdesc
	// Range bounds an Integer parameter; nil accepts any integer.
	Range *Range
	// Aliases are other names the value may be given under (as
	// OCF_RESKEY_<alias>), undocumented ones of the agents replaced; the
	// parameter's own name wins when both are given.
	Aliases []string
	// Check validates a non-empty value beyond its kind and range. Its
	// error becomes the exit reason of a validation failure.
	Check func(string) error
}

// Range is the inclusive range of an Integer parameter.
type Range struct {
	Min, Max int
	// What names the value in the error of a two-sided range, e.g. "a
	// metric" gives `"15": a metric must be 1 to 14`. Without it the
	// error states the bound that was crossed.
	What string
}

// Between is the range lo..hi of what.
func Between(lo, hi int, what string) *Range { return &Range{Min: lo, Max: hi, What: what} }

// AtLeast is the range lo and up.
func AtLeast(lo int) *Range { return &Range{Min: lo, Max: math.MaxInt} }

// check reports n outside the range, s being the value as given.
func (r *Range) check(n int, s string) error {
	switch {
	case r == nil || (n >= r.Min && n <= r.Max):
		return nil
	case r.What != "":
		return fmt.Errorf("%q: %s must be %d to %d", s, r.What, r.Min, r.Max)
	case n > r.Max:
		return fmt.Errorf("%q must be at most %d", s, r.Max)
	case r.Min == 1:
		return fmt.Errorf("%q must be a positive integer", s)
	case r.Min == 0:
		return fmt.Errorf("%q must be a non-negative integer", s)
	}
	return fmt.Errorf("%q must be at least %d", s, r.Min)
}

// validate checks a value against the parameter's kind, range and Check,
// with the same parsers the typed getters use. Empty values are left to
// the Required check.
func (p Param) validate(v string) error {
	if v == "" {
		return nil
	}
	var err error
	switch p.Kind {
	case Integer:
		_, err = p.parseInt(v)
	case Boolean:
		_, err = ParseBool(v)
	case IPAddr:
		_, err = ParseAddr(v)
	case IPAddrList:
		_, err = parseAddrs(v)
	case Netmask:
		_, _, err = ParseNetmask(v)
	}
	if err != nil {
		return err
	}
	return p.check(v)
}

// check applies the parameter's own Check to a value of its kind.
func (p Param) check(v string) error {
	if p.Check == nil {
		return nil
	}
	return p.Check(v)
}

// parseInt parses an Integer value within the declared range.
func (p Param) parseInt(s string) (int, error) {
	n, err := ParseInt(s)
	if err != nil {
		return 0, err
	}
	if err := p.Range.check(n, s); err != nil {
		return 0, err
	}
	return n, nil
}

// Truth values accepted by resource-agents' ocf_is_true and their
// negations. Matching is case-insensitive; anything else is an error rather
// than a silent false, so a typo is reported instead of changing behaviour.
var (
	trueWords  = []string{"yes", "true", "1", "ja", "on", "y"}
	falseWords = []string{"no", "false", "0", "nein", "off", "n"}
)

// ParseBool parses a boolean parameter value.
func ParseBool(s string) (bool, error) {
	w := strings.ToLower(strings.TrimSpace(s))
	for _, t := range trueWords {
		if w == t {
			return true, nil
		}
	}
	for _, f := range falseWords {
		if w == f {
			return false, nil
		}
	}
	return false, fmt.Errorf("%q is not a boolean (use true or false)", s)
}

// ParseInt parses a decimal integer parameter value. Only plain decimal
// digits with an optional minus sign are accepted: shell agents compare
// these with test(1), which knows no hex or octal.
func ParseInt(s string) (int, error) {
	t := strings.TrimPrefix(s, "-")
	if t == "" || strings.Trim(t, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a decimal integer", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	return n, nil
}

// ParseAddr parses an IPv4 or IPv6 address. Zones (fe80::1%eth0) and
// IPv4-mapped IPv6 forms are refused: an address parameter names one
// address in one family.
func ParseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%q is not an IP address", s)
	}
	if a.Zone() != "" || a.Is4In6() {
		return netip.Addr{}, fmt.Errorf("%q is not a plain IPv4 or IPv6 address", s)
	}
	return a, nil
}

// parseAddrs parses white-space separated addresses.
func parseAddrs(s string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, f := range strings.Fields(s) {
		a, err := ParseAddr(f)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// ParseNetmask parses a prefix length from 1 to 128 or a contiguous
// dotted-quad IPv4 mask; dotted reports the latter, so that the caller can
// warn (resource-agents converts it) and refuse it for IPv6. Which lengths
// fit the address family is the caller's check: it needs the address.
func ParseNetmask(s string) (bits int, dotted bool, err error) {
	if n, err := ParseInt(s); err == nil {
		if n < 1 || n > 128 {
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
