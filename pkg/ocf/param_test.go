package ocf

import (
	"strconv"
	"testing"
)

func TestParseBool(t *testing.T) {
	tests := []struct {
		in      string
		want    bool
		wantErr bool
	}{
		{"yes", true, false}, {"true", true, false}, {"1", true, false}, {"ja", true, false},
		{"on", true, false}, {"ON", true, false}, {"True", true, false}, {"YES", true, false},
		{"no", false, false}, {"false", false, false}, {"0", false, false}, {"off", false, false},
		{"nein", false, false}, {"FALSE", false, false},
		{"maybe", false, true}, {"", false, true}, {"2", false, true},
	}
	for _, tt := range tests {
		got, err := ParseBool(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseBool(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"0", 0, false}, {"200", 200, false}, {"-3", -3, false},
		{"", 0, true}, {"-", 0, true}, {"0x10", 0, true}, {"1e3", 0, true}, {" 5", 0, true},
		{"5s", 0, true}, {"99999999999999999999999", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseInt(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseInt(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseAddr(t *testing.T) {
	tests := []struct {
		in      string
		wantErr bool
	}{
		{"192.168.1.10", false}, {"2001:db8::1", false},
		{"192.168.1.10/24", true}, {"fe80::1%eth0", true}, {"::ffff:10.0.0.1", true},
		{"10.0.0.1;reboot", true}, {"10.0.0", true}, {"", true},
	}
	for _, tt := range tests {
		if _, err := ParseAddr(tt.in); (err != nil) != tt.wantErr {
			t.Errorf("ParseAddr(%q) error %v, want error %v", tt.in, err, tt.wantErr)
		}
	}
}

func TestValidate(t *testing.T) {
	decl := []Param{
		{Name: "ip", Kind: IPAddr, Required: true},
		{Name: "n", Kind: Integer, Default: "1"},
		{Name: "b", Kind: Boolean, Default: "no"},
	}
	tests := []struct {
		name string
		set  map[string]string
		want Code
	}{
		{"good", map[string]string{"ip": "10.0.0.1"}, Success},
		{"missing required", map[string]string{}, ErrConfigured},
		{"bad integer", map[string]string{"ip": "10.0.0.1", "n": "x"}, ErrConfigured},
		{"bad boolean", map[string]string{"ip": "10.0.0.1", "b": "perhaps"}, ErrConfigured},
		{"bad address", map[string]string{"ip": "10.0.0.300"}, ErrConfigured},
	}
	for _, tt := range tests {
		v := newValues(decl)
		for k, val := range tt.set {
			v.Set(k, val)
		}
		if got := CodeOf(v.Validate(decl)); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func FuzzParseParams(f *testing.F) {
	for _, s := range []string{"yes", "0", "-12", "10.0.0.1", "2001:db8::1", "fe80::1%x", "", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if b, err := ParseBool(s); err != nil && b {
			t.Fatalf("ParseBool(%q) returned true with an error", s)
		}
		if n, err := ParseInt(s); err == nil {
			if back, err2 := ParseInt(itoa(n)); err2 != nil || back != n {
				t.Fatalf("ParseInt(%q)=%d does not round-trip", s, n)
			}
		}
		if a, err := ParseAddr(s); err == nil && (a.Zone() != "" || a.Is4In6()) {
			t.Fatalf("ParseAddr(%q) accepted %v", s, a)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
