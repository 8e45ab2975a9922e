package ocf

import (
	"fmt"
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
	IPAddr // an IPv4 or IPv6 address, no prefix
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
	// Check validates a non-empty value beyond its kind. Its error becomes
	// the exit reason of a validation failure.
	Check func(string) error
}

// validate checks a value against the parameter's kind and Check. Empty
// values are left to the Required check.
func (p Param) validate(v string) error {
	if v == "" {
		return nil
	}
	var err error
	switch p.Kind {
	case Integer:
		_, err = ParseInt(v)
	case Boolean:
		_, err = ParseBool(v)
	case IPAddr:
		_, err = ParseAddr(v)
	}
	if err == nil && p.Check != nil {
		err = p.Check(v)
	}
	return err
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
