package ocf

import (
	"fmt"
	"sort"
	"strings"
)

// Values holds the parameters of one invocation: what the cluster manager
// or the command line set, and the declared defaults for the rest.
type Values struct {
	decl map[string]Param
	set  map[string]string
}

func newValues(params []Param) *Values {
	v := &Values{decl: make(map[string]Param, len(params)), set: map[string]string{}}
	for _, p := range params {
		v.decl[p.Name] = p
	}
	return v
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
	p, declared := v.decl[name]
	if !declared {
		panic("ocf: parameter " + name + " is not declared")
	}
	if s := strings.TrimSpace(v.set[name]); s != "" {
		return s
	}
	return p.Default
}

// Bool returns a boolean parameter. An invalid value reads as false;
// Validate reports it.
func (v *Values) Bool(name string) bool {
	b, _ := ParseBool(v.Get(name))
	return b
}

// Int returns an integer parameter. An invalid value reads as 0; Validate
// reports it.
func (v *Values) Int(name string) int {
	n, _ := ParseInt(v.Get(name))
	return n
}

// Validate checks every declared parameter: required ones present, each
// value of its kind and accepted by its Check. The first problem is
// returned as ErrConfigured, the code for values wrong on every node.
func (v *Values) Validate(params []Param) error {
	for _, p := range params {
		val := v.Get(p.Name)
		if p.Required && val == "" {
			return Fail(ErrConfigured, "the %s parameter is mandatory", p.Name)
		}
		if err := p.validate(val); err != nil {
			return Fail(ErrConfigured, "invalid %s: %v", p.Name, err)
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
