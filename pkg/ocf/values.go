package ocf

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// Values holds the parameters of one invocation: what the cluster manager
// or the command line set, and the declared defaults for the rest. Its
// typed getters parse a value with the declaration's kind and range and
// return the error; none reads an invalid value as zero.
type Values struct {
	decl map[string]Param // by name and by alias
	set  map[string]string
}

func newValues(params []Param) *Values {
	v := &Values{decl: make(map[string]Param, len(params)), set: map[string]string{}}
	for _, p := range params {
		v.decl[p.Name] = p
		for _, alias := range p.Aliases {
			v.decl[alias] = p
		}
	}
	return v
}

// load records the OCF_RESKEY_ variables of the declared parameters and
// of their aliases.
func (v *Values) load(params []Param, env Env) {
	for _, p := range params {
		for _, name := range append([]string{p.Name}, p.Aliases...) {
			if val, ok := env.Lookup(reskey(name)); ok {
				v.Set(name, val)
			}
		}
	}
}

// Set records an explicitly given value.
func (v *Values) Set(name, value string) { v.set[name] = value }

// IsSet reports whether name was given, even as an empty string.
func (v *Values) IsSet(name string) bool {
	_, ok := v.set[name]
	return ok
}

// Get returns the given value, or the declared default when the value was
// not given or given empty (Pacemaker passes empty strings for cleared
// attributes).
func (v *Values) Get(name string) string {
	_, val, _ := v.lookup(name)
	return val
}

// lookup returns the declaration of name, its value (given under its
// name, else under an alias, else the default) and the name it was given
// under, which errors quote.
func (v *Values) lookup(name string) (p Param, val, givenAs string) {
	p, declared := v.decl[name]
	if !declared || p.Name != name {
		panic("ocf: parameter " + name + " is not declared")
	}
	for _, n := range append([]string{name}, p.Aliases...) {
		if s := strings.TrimSpace(v.set[n]); s != "" {
			return p, s, n
		}
	}
	return p, p.Default, name
}

// read parses the value of a parameter declared of kind k, then applies
// its Check. An empty value (no default either) is the zero T when
// emptyOK, for parameters whose absence means "choose"; otherwise the
// parse error. Parse errors name the parameter as it was given.
func read[T any](v *Values, name string, k Kind, emptyOK bool, parse func(Param, string) (T, error)) (T, error) {
	var zero T
	p, s, givenAs := v.lookup(name)
	if p.Kind != k {
		return zero, fmt.Errorf("ocf: parameter %s is not declared of the kind read", name)
	}
	if s == "" && emptyOK {
		return zero, nil
	}
	t, err := parse(p, s)
	if err == nil {
		err = p.check(s)
	}
	if err != nil {
		return zero, invalid(givenAs, err)
	}
	return t, nil
}

// invalid is the error of a value that does not parse: the values are
// wrong on every node.
func invalid(name string, err error) error {
	return Fail(ErrConfigured, "invalid %s: %v", name, err)
}

// Bool returns a Boolean parameter; an empty one without default is an
// error.
func (v *Values) Bool(name string) (bool, error) {
	return read(v, name, Boolean, false, func(_ Param, s string) (bool, error) { return ParseBool(s) })
}

// Int returns an Integer parameter within its declared range; an empty
// one without default is an error.
func (v *Values) Int(name string) (int, error) {
	return read(v, name, Integer, false, Param.parseInt)
}

// Addr returns an IPAddr parameter, the invalid Addr when it is empty.
func (v *Values) Addr(name string) (netip.Addr, error) {
	return read(v, name, IPAddr, true, func(_ Param, s string) (netip.Addr, error) { return ParseAddr(s) })
}

// Addrs returns an IPAddrList parameter, nil when it is empty.
func (v *Values) Addrs(name string) ([]netip.Addr, error) {
	return read(v, name, IPAddrList, true, func(_ Param, s string) ([]netip.Addr, error) { return parseAddrs(s) })
}

// Netmask returns a Netmask parameter as a prefix length, 0 when it is
// empty; dotted reports a dotted-quad mask.
func (v *Values) Netmask(name string) (bits int, dotted bool, err error) {
	type mask struct {
		bits   int
		dotted bool
	}
	m, err := read(v, name, Netmask, true, func(_ Param, s string) (mask, error) {
		bits, dotted, err := ParseNetmask(s)
		return mask{bits, dotted}, err
	})
	return m.bits, m.dotted, err
}

// GivenAs returns the name a parameter's value was given under: its own,
// or the alias that supplied it. Messages about the value quote it.
func (v *Values) GivenAs(name string) string {
	_, _, givenAs := v.lookup(name)
	return givenAs
}

// Check checks one parameter: present if required, of its kind, within
// its range and accepted by its Check. The error is ErrConfigured, the
// code for values wrong on every node.
func (v *Values) Check(name string) error {
	p, val, givenAs := v.lookup(name)
	if p.Required && val == "" {
		return Fail(ErrConfigured, "the %s parameter is mandatory", p.Name)
	}
	if err := p.validate(val); err != nil {
		return invalid(givenAs, err)
	}
	return nil
}

// Validate checks every declared parameter in order and returns the first
// problem (see Check).
func (v *Values) Validate(params []Param) error {
	for _, p := range params {
		if err := v.Check(p.Name); err != nil {
			return err
		}
	}
	return nil
}

// String lists the given parameters for debug logs, secrets masked.
func (v *Values) String() string {
	names := make([]string, 0, len(v.set))
	for name := range v.set {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		val := fmt.Sprintf("%q", v.set[name])
		if v.decl[name].Secret {
			val = "(secret)"
		}
		fmt.Fprintf(&b, "%s=%s ", name, val)
	}
	return strings.TrimSpace(b.String())
}

// environ returns the given parameters as OCF_RESKEY_ variables.
func (v *Values) environ() []string {
	out := make([]string, 0, len(v.set))
	for name, val := range v.set {
		out = append(out, reskey(name)+"="+val)
	}
	return out
}

// withoutSecrets drops the OCF_RESKEY_ variables of secret parameters
// from env.
func (v *Values) withoutSecrets(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		p, ok := v.decl[strings.TrimPrefix(name, "OCF_RESKEY_")]
		if strings.HasPrefix(name, "OCF_RESKEY_") && ok && p.Secret {
			continue
		}
		out = append(out, kv)
	}
	return out
}
