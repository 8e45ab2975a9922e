package rip

import (
	"bytes"
	"encoding/hex"
	"net/netip"
	"reflect"
	"testing"
)

func TestMarshalNgVector(t *testing.T) {
	// RFC 2080 §2.1 layout, written out by hand: a response (2), version
	// 1, two zero octets; then prefix, route tag, prefix length, metric.
	want, _ := hex.DecodeString("02010000" +
		"20010db8009900000000000000000010" + "0000" + "80" + "01" +
		"20010db8000100000000000000000000" + "002a" + "40" + "10")
	got, err := MarshalNg(&Message{Command: Response, Routes: []Route{
		{Prefix: netip.MustParsePrefix("2001:db8:99::10/128"), Metric: 1},
		{Prefix: netip.MustParsePrefix("2001:db8:1::/64"), Metric: Infinity, Tag: 42},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("got  %x\nwant %x", got, want)
	}
}

func TestMarshalNgRefuses(t *testing.T) {
	tests := []struct {
		name   string
		routes []Route
	}{
		{"IPv4 prefix", []Route{{Prefix: netip.MustParsePrefix("10.0.0.1/32"), Metric: 1}}},
		{"IPv4-mapped prefix", []Route{{Prefix: netip.MustParsePrefix("::ffff:10.0.0.1/128"), Metric: 1}}},
		{"metric 0", []Route{{Prefix: netip.MustParsePrefix("2001:db8::1/128")}}},
		{"metric 17", []Route{{Prefix: netip.MustParsePrefix("2001:db8::1/128"), Metric: 17}}},
		{"more than a minimum-MTU datagram holds", make([]Route, NgMaxRoutes(MinMTU)+1)},
	}
	for _, tt := range tests {
		if _, err := MarshalNg(&Message{Command: Response, Routes: tt.routes}); err == nil {
			t.Errorf("%s: encoded", tt.name)
		}
	}
}

func TestParseNg(t *testing.T) {
	entry := func(addr string, tag uint16, bits, metric byte) []byte {
		a := netip.MustParseAddr(addr).As16()
		return append(append(a[:], byte(tag>>8), byte(tag)), bits, metric)
	}
	hdr := []byte{2, 1, 0, 0}
	withNextHop := append(append(append(append([]byte{}, hdr...),
		entry("2001:db8::1", 0, 128, 1)...),
		entry("fe80::1", 0, 0, 0xff)...),
		entry("2001:db8::2", 7, 128, 2)...)
	tests := []struct {
		name    string
		in      []byte
		want    []Route
		wantErr bool
	}{
		{"next hop applies to the routes after it", withNextHop, []Route{
			{Prefix: netip.MustParsePrefix("2001:db8::1/128"), Metric: 1},
			{Prefix: netip.MustParsePrefix("2001:db8::2/128"), NextHop: netip.MustParseAddr("fe80::1"), Metric: 2, Tag: 7},
		}, false},
		{"a global next hop means via the sender", append(append(append([]byte{}, hdr...),
			entry("2001:db8::9", 0, 0, 0xff)...), entry("2001:db8::3", 0, 128, 3)...),
			[]Route{{Prefix: netip.MustParsePrefix("2001:db8::3/128"), Metric: 3}}, false},
		{"empty response", hdr, nil, false},
		{"short", []byte{2, 1}, nil, true},
		{"partial entry", append(append([]byte{}, hdr...), 1, 2, 3), nil, true},
		{"version 2", append([]byte{2, 2, 0, 0}, entry("2001:db8::1", 0, 128, 1)...), nil, true},
		{"prefix length 129", append(append([]byte{}, hdr...), entry("2001:db8::1", 0, 129, 1)...), nil, true},
		{"metric 0", append(append([]byte{}, hdr...), entry("2001:db8::1", 0, 128, 0)...), nil, true},
	}
	for _, tt := range tests {
		m, err := ParseNg(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: error %v, want error %v", tt.name, err, tt.wantErr)
			continue
		}
		if err == nil && !reflect.DeepEqual(m.Routes, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, m.Routes, tt.want)
		}
	}
}

func TestNgMaxRoutesAndBatch(t *testing.T) {
	if got := NgMaxRoutes(MinMTU); got != 61 { // (1280-40-8-4)/20
		t.Errorf("NgMaxRoutes(1280) = %d, want 61", got)
	}
	if got := NgMaxRoutes(1500); got != 72 {
		t.Errorf("NgMaxRoutes(1500) = %d, want 72", got)
	}
	routes := make([]Route, 130)
	var sizes []int
	for _, b := range NgBatch(routes) {
		sizes = append(sizes, len(b))
	}
	if !reflect.DeepEqual(sizes, []int{61, 61, 8}) {
		t.Errorf("batches of %v, want [61 61 8]", sizes)
	}
}

// FuzzParseNg: whatever parses must encode back to the same routes.
func FuzzParseNg(f *testing.F) {
	b, _ := MarshalNg(&Message{Command: Response, Routes: []Route{{Prefix: netip.MustParsePrefix("2001:db8::1/128"), Metric: 1, Tag: 3}}})
	f.Add(b)
	f.Add([]byte{2, 1, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseNg(b)
		if err != nil || len(m.Routes) > NgMaxRoutes(MinMTU) {
			return
		}
		var routes []Route
		for _, r := range m.Routes {
			if r.Prefix.Addr().Is4In6() {
				return
			}
			r.NextHop = netip.Addr{}
			r.Prefix = r.Prefix.Masked()
			routes = append(routes, r)
		}
		out, err := MarshalNg(&Message{Command: m.Command, Routes: routes})
		if err != nil {
			t.Fatalf("a parsed message does not encode: %v", err)
		}
		again, err := ParseNg(out)
		if err != nil || !reflect.DeepEqual(again.Routes, routes) {
			t.Fatalf("round trip: %v %+v, want %+v", err, again, routes)
		}
	})
}
