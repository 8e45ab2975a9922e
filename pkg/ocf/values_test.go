package ocf

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// typedDecl declares one parameter of each kind the getters read.
var typedDecl = []Param{
	{Name: "metric", Kind: Integer, Default: "2", Range: Between(1, 14, "a metric")},
	{Name: "count", Kind: Integer, Default: "5", Range: AtLeast(1)},
	{Name: "refresh", Kind: Integer, Default: "0", Range: AtLeast(0)},
	{Name: "floor", Kind: Integer, Range: AtLeast(-3)},
	{Name: "label", Kind: Integer, Range: &Range{Min: 0, Max: 1<<32 - 2}},
	{Name: "flag", Kind: Boolean, Default: "false"},
	{Name: "source", Kind: IPAddr},
	{Name: "destination", Kind: IPAddrList},
	{Name: "cidr_netmask", Kind: Netmask, Aliases: []string{"netmask"}},
	{Name: "name", Kind: String},
}

func valuesOf(set map[string]string) *Values {
	v := newValues(typedDecl)
	for k, val := range set {
		v.Set(k, val)
	}
	return v
}

func TestValuesInt(t *testing.T) {
	tests := []struct {
		name, value string
		want        int
		wantErr     string // "" for none
	}{
		{"metric", "", 2, ""},
		{"metric", "14", 14, ""},
		{"metric", "15", 0, `invalid metric: "15": a metric must be 1 to 14`},
		{"metric", "0", 0, `invalid metric: "0": a metric must be 1 to 14`},
		{"metric", "x", 0, `invalid metric: "x" is not a decimal integer`},
		{"count", "0", 0, `invalid count: "0" must be a positive integer`},
		{"count", "99999", 99999, ""},
		{"refresh", "-1", 0, `invalid refresh: "-1" must be a non-negative integer`},
		{"floor", "-4", 0, `invalid floor: "-4" must be at least -3`},
		{"floor", "", 0, `invalid floor: "" is not a decimal integer`}, // no default: never a silent 0
		{"label", "4294967294", 4294967294, ""},
		{"label", "4294967295", 0, `invalid label: "4294967295" must be at most 4294967294`},
		{"label", "-1", 0, `invalid label: "-1" must be a non-negative integer`},
		{"flag", "yes", 0, "not declared of the kind read"},
	}
	for _, tt := range tests {
		got, err := valuesOf(map[string]string{tt.name: tt.value}).Int(tt.name)
		if got != tt.want || !errorIs(err, tt.wantErr) {
			t.Errorf("Int(%s=%q) = %d, %v; want %d, error %q", tt.name, tt.value, got, err, tt.want, tt.wantErr)
		}
		if tt.wantErr != "" && strings.HasPrefix(tt.wantErr, "invalid") && CodeOf(err) != ErrConfigured {
			t.Errorf("Int(%s=%q): code %v, want ErrConfigured", tt.name, tt.value, CodeOf(err))
		}
	}
}

func errorIs(err error, want string) bool {
	if want == "" {
		return err == nil
	}
	return err != nil && strings.Contains(err.Error(), want)
}

func TestValuesTypedGetters(t *testing.T) {
	a := netip.MustParseAddr
	tests := []struct {
		name    string
		set     map[string]string
		read    func(*Values) (any, error)
		want    any
		wantErr string
	}{
		{"bool", map[string]string{"flag": "ON"}, func(v *Values) (any, error) { return v.Bool("flag") }, true, ""},
		{"bool invalid", map[string]string{"flag": "perhaps"}, func(v *Values) (any, error) { return v.Bool("flag") }, false, "invalid flag"},
		{"addr", map[string]string{"source": "10.0.0.2"}, func(v *Values) (any, error) { return v.Addr("source") }, a("10.0.0.2"), ""},
		{"addr empty", nil, func(v *Values) (any, error) { return v.Addr("source") }, netip.Addr{}, ""},
		{"addr zone", map[string]string{"source": "fe80::1%eth0"}, func(v *Values) (any, error) { return v.Addr("source") }, netip.Addr{}, "invalid source"},
		{"addrs", map[string]string{"destination": " 10.0.0.255  224.0.0.9 "}, func(v *Values) (any, error) {
			as, err := v.Addrs("destination")
			return len(as) == 2 && as[0] == a("10.0.0.255") && as[1] == a("224.0.0.9"), err
		}, true, ""},
		{"addrs one bad", map[string]string{"destination": "10.0.0.255 x"}, func(v *Values) (any, error) {
			as, err := v.Addrs("destination")
			return as == nil, err
		}, true, `invalid destination: "x" is not an IP address`},
		{"netmask", map[string]string{"cidr_netmask": "24"}, func(v *Values) (any, error) { b, _, err := v.Netmask("cidr_netmask"); return b, err }, 24, ""},
		{"dotted netmask", map[string]string{"cidr_netmask": "255.255.254.0"}, func(v *Values) (any, error) {
			b, dotted, err := v.Netmask("cidr_netmask")
			return b == 23 && dotted, err
		}, true, ""},
		{"netmask empty", nil, func(v *Values) (any, error) { b, _, err := v.Netmask("cidr_netmask"); return b, err }, 0, ""},
		{"netmask alias", map[string]string{"netmask": "16"}, func(v *Values) (any, error) { b, _, err := v.Netmask("cidr_netmask"); return b, err }, 16, ""},
		{"netmask alias invalid", map[string]string{"netmask": "0"}, func(v *Values) (any, error) { b, _, err := v.Netmask("cidr_netmask"); return b, err }, 0,
			`invalid netmask: "0" is not a prefix length from 1 to 128`},
		{"own name beats alias", map[string]string{"cidr_netmask": "8", "netmask": "x"}, func(v *Values) (any, error) { b, _, err := v.Netmask("cidr_netmask"); return b, err }, 8, ""},
		{"empty own name yields to alias", map[string]string{"cidr_netmask": " ", "netmask": "30"}, func(v *Values) (any, error) { b, _, err := v.Netmask("cidr_netmask"); return b, err }, 30, ""},
		{"kind mismatch", map[string]string{"name": "x"}, func(v *Values) (any, error) { return v.Addr("name") }, netip.Addr{}, "not declared of the kind read"},
	}
	for _, tt := range tests {
		got, err := tt.read(valuesOf(tt.set))
		if got != tt.want || !errorIs(err, tt.wantErr) {
			t.Errorf("%s: %v, %v; want %v, error %q", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestValuesAliasFromEnv(t *testing.T) {
	v := newValues(typedDecl)
	v.load(typedDecl, MapEnv{"OCF_RESKEY_netmask": "255.255.255.0", "OCF_RESKEY_metric": "3", "OCF_RESKEY_other": "x"})
	if got := v.Get("cidr_netmask"); got != "255.255.255.0" {
		t.Errorf("cidr_netmask %q, want the alias's value", got)
	}
	if got := v.GivenAs("cidr_netmask"); got != "netmask" {
		t.Errorf("GivenAs %q, want netmask", got)
	}
	if got := v.GivenAs("metric"); got != "metric" {
		t.Errorf("GivenAs %q, want metric", got)
	}
	if v.IsSet("other") {
		t.Error("an undeclared variable was loaded")
	}
	if err := v.Validate(typedDecl); err != nil {
		t.Errorf("Validate: %v", err)
	}
	v.Set("netmask", "0.255.0.0")
	if err := v.Validate(typedDecl); err == nil || !strings.Contains(err.Error(), "invalid netmask: ") {
		t.Errorf("Validate of a bad alias value: %v, want it named as given", err)
	}
}

func TestLookupAliasIsNotAParameter(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Get of an alias did not panic: aliases are read through their parameter")
		}
	}()
	newValues(typedDecl).Get("netmask")
}

func TestParseNetmask(t *testing.T) {
	tests := []struct {
		in     string
		bits   int
		dotted bool
		ok     bool
	}{
		{"24", 24, false, true}, {"1", 1, false, true}, {"32", 32, false, true}, {"33", 33, false, true}, {"128", 128, false, true},
		{"0", 0, false, false}, {"129", 0, false, false}, {"-1", 0, false, false},
		{"255.255.255.0", 24, true, true}, {"255.255.255.255", 32, true, true}, {"128.0.0.0", 1, true, true},
		{"0.0.0.0", 0, false, false}, {"255.0.255.0", 0, false, false}, {"ffff::", 0, false, false}, {"/24", 0, false, false}, {"x", 0, false, false},
	}
	for _, tt := range tests {
		bits, dotted, err := ParseNetmask(tt.in)
		if bits != tt.bits || dotted != tt.dotted || (err == nil) != tt.ok {
			t.Errorf("ParseNetmask(%q) = %d, %v, %v; want %d, %v, ok %v", tt.in, bits, dotted, err, tt.bits, tt.dotted, tt.ok)
		}
	}
}

func TestValidateInOrder(t *testing.T) {
	v := valuesOf(map[string]string{"count": "0", "metric": "99", "destination": "x"})
	err := v.Validate(typedDecl)
	if err == nil || !strings.Contains(err.Error(), "metric") {
		t.Errorf("Validate: %v, want the first declared problem (metric)", err)
	}
	var bad []string
	for _, p := range typedDecl {
		if v.Check(p.Name) != nil {
			bad = append(bad, p.Name)
		}
	}
	if want := []string{"metric", "count", "destination"}; !slices.Equal(bad, want) {
		t.Errorf("Check finds %v, want %v", bad, want)
	}
}
