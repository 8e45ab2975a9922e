package rip

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

// unhex decodes space-separated hex, as packet dumps print it.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// vip is the reference vectors' route: 192.168.13.229/32 via
// 192.168.10.221, metric 1.
var vip = Route{
	Prefix:  netip.MustParsePrefix("192.168.13.229/32"),
	NextHop: netip.MustParseAddr("192.168.10.221"),
	Metric:  1,
}

func response(routes ...Route) *Message {
	return &Message{Command: Response, Version: 2, Routes: routes}
}

// TestKnownGoodVectors: packets BIRD 2 and FRR's ripd accepted in the lab
// (RFC 2453 simple password, RFC 2082 keyed MD5, RFC 4822 HMAC-SHA; key
// "secret"), byte for byte.
func TestKnownGoodVectors(t *testing.T) {
	secret := []byte("secret")
	tests := []struct {
		name string
		key  Key
		msg  *Message
		want string
	}{
		{"plain RIPv2", Key{}, response(vip),
			"02 02 00 00 00 02 00 00 c0 a8 0d e5 ff ff ff ff c0 a8 0a dd 00 00 00 01"},
		{"RIPv1", Key{}, &Message{Command: Response, Version: 1, Routes: []Route{vip}},
			"02 01 00 00 00 02 00 00 c0 a8 0d e5 00 00 00 00 00 00 00 00 00 00 00 01"},
		{"simple password", Key{Mode: AuthSimple, Secret: secret}, response(vip),
			"02 02 00 00 ff ff 00 02 73 65 63 72 65 74 00 00 00 00 00 00 00 00 00 00 " +
				"00 02 00 00 c0 a8 0d e5 ff ff ff ff c0 a8 0a dd 00 00 00 01"},
		{"keyed MD5, data length 20", Key{Mode: AuthMD5, Secret: secret, ID: 1}, response(vip),
			"02 02 00 00 ff ff 00 03 00 2c 01 14 00 00 00 01 00 00 00 00 00 00 00 00 " +
				"00 02 00 00 c0 a8 0d e5 ff ff ff ff c0 a8 0a dd 00 00 00 01 " +
				"ff ff 00 01 dd 6c 1e 71 99 a0 9d 7f 68 52 41 54 71 01 40 18"},
		{"HMAC-SHA256", Key{Mode: AuthHMACSHA256, Secret: secret, ID: 1}, response(vip),
			"02 02 00 00 ff ff 00 03 00 2c 01 20 00 00 00 01 00 00 00 00 00 00 00 00 " +
				"00 02 00 00 c0 a8 0d e5 ff ff ff ff c0 a8 0a dd 00 00 00 01 " +
				"ff ff 00 01 65 61 63 11 00 cd b8 86 39 75 74 d4 0d e0 81 ca " +
				"32 da b1 ed 98 04 cf 16 2a ae 33 77 f1 28 69 e1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.key.Marshal(tt.msg, 1)
			if err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, tt.want); !bytes.Equal(got, want) {
				t.Fatalf("\n got % x\nwant % x", got, want)
			}
			if err := tt.key.Verify(got); err != nil {
				t.Errorf("our own packet does not verify: %v", err)
			}
		})
	}
}

func TestDigestTails(t *testing.T) {
	tests := []struct {
		key  Key
		want string
	}{
		{Key{Mode: AuthMD5, Secret: []byte("secret"), ID: 1, MD5DataLen: 16}, "84 0e b0 38 f7 de 9a 80 a6 a2 de 61 b9 78 fa b3"},
		{Key{Mode: AuthHMACSHA1, Secret: []byte("secret"), ID: 1}, "61 ba 2e 96 85 8a ac 43 52 65 f1 b1 6d 9d 7a 88 9b 86 0e c8"},
	}
	for _, tt := range tests {
		b, err := tt.key.Marshal(response(vip), 1)
		if err != nil {
			t.Fatal(err)
		}
		want := unhex(t, tt.want)
		if got := b[len(b)-len(want):]; !bytes.Equal(got, want) {
			t.Errorf("mode %d: digest % x, want % x", tt.key.Mode, got, want)
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	good := Key{Mode: AuthMD5, Secret: []byte("secret"), ID: 1}
	b, err := good.Marshal(response(vip), 7)
	if err != nil {
		t.Fatal(err)
	}
	tampered := append([]byte(nil), b...)
	tampered[35]++ // the VIP's metric
	tests := []struct {
		name string
		key  Key
		pkt  []byte
	}{
		{"wrong key", Key{Mode: AuthMD5, Secret: []byte("Secret"), ID: 1}, b},
		{"wrong key id", Key{Mode: AuthMD5, Secret: []byte("secret"), ID: 2}, b},
		{"other algorithm", Key{Mode: AuthHMACSHA1, Secret: []byte("secret"), ID: 1}, b},
		{"tampered route", good, tampered},
		{"truncated", good, b[:len(b)-1]},
		{"expects none", Key{}, b},
		{"expects a password", Key{Mode: AuthSimple, Secret: []byte("secret")}, b},
	}
	for _, tt := range tests {
		if err := tt.key.Verify(tt.pkt); err == nil {
			t.Errorf("%s: verified", tt.name)
		}
	}
	plain, _ := response(vip).Marshal()
	if err := good.Verify(plain); err == nil {
		t.Error("an unauthenticated packet verified against a key")
	}
}

func TestParseRoundTrip(t *testing.T) {
	routes := []Route{vip, {Prefix: netip.MustParsePrefix("10.1.2.0/24"), NextHop: netip.IPv4Unspecified(), Metric: Infinity, Tag: 77}}
	for _, key := range []Key{
		{}, {Mode: AuthSimple, Secret: []byte("pw")},
		{Mode: AuthMD5, Secret: []byte("k"), ID: 3}, {Mode: AuthHMACSHA512, Secret: []byte("k"), ID: 9},
	} {
		b, err := key.Marshal(response(routes...), 1234)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(b)
		if err != nil {
			t.Fatalf("mode %d: %v", key.Mode, err)
		}
		if len(p.Routes) != len(routes) {
			t.Fatalf("mode %d: %d routes back", key.Mode, len(p.Routes))
		}
		for i := range routes {
			want := routes[i]
			if !want.NextHop.IsValid() {
				want.NextHop = netip.IPv4Unspecified()
			}
			if p.Routes[i] != want {
				t.Errorf("mode %d route %d: %+v, want %+v", key.Mode, i, p.Routes[i], want)
			}
		}
		if key.crypto() && (p.Sequence != 1234 || p.KeyID != key.ID) {
			t.Errorf("mode %d: seq %d key %d", key.Mode, p.Sequence, p.KeyID)
		}
		if key.Mode == AuthSimple && string(p.Password) != "pw" {
			t.Errorf("password %q", p.Password)
		}
	}
}

func TestEncoderRefuses(t *testing.T) {
	tests := []struct {
		name string
		key  Key
		msg  *Message
		want error
	}{
		{"zero mask", Key{}, response(Route{Prefix: netip.MustParsePrefix("192.168.13.229/0"), Metric: 1}), errZeroMask},
		{"metric 0", Key{}, response(Route{Prefix: vip.Prefix, Metric: 0}), errMetric},
		{"metric 17", Key{}, response(Route{Prefix: vip.Prefix, Metric: 17}), errMetric},
		{"IPv6", Key{}, response(Route{Prefix: netip.MustParsePrefix("2001:db8::1/128"), Metric: 1}), errNotIPv4},
		{"version 3", Key{}, &Message{Command: Response, Version: 3}, errVersion},
		{"auth with RIPv1", Key{Mode: AuthSimple, Secret: []byte("x")}, &Message{Command: Response, Version: 1, Routes: []Route{vip}}, errVersion},
		{"too many", Key{}, response(make([]Route, 26)...), errTooMany},
		{"too many with MD5", Key{Mode: AuthMD5, Secret: []byte("x")}, response(make([]Route, 24)...), errTooMany},
		{"long password", Key{Mode: AuthSimple, Secret: []byte("seventeen octets!")}, response(vip), errSecret},
		{"long HMAC-SHA1 key", Key{Mode: AuthHMACSHA1, Secret: bytes.Repeat([]byte("k"), 21)}, response(vip), errSecret},
		{"empty key", Key{Mode: AuthMD5}, response(vip), errSecret},
		{"unknown mode", Key{Mode: 42, Secret: []byte("x")}, response(vip), errAuthMode},
	}
	for _, tt := range tests {
		if _, err := tt.key.Marshal(tt.msg, 1); !errors.Is(err, tt.want) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestBatchLimits(t *testing.T) {
	keys := map[string]Key{
		"none": {}, "simple": {Mode: AuthSimple, Secret: []byte("pw")},
		"md5": {Mode: AuthMD5, Secret: []byte("k")}, "sha1": {Mode: AuthHMACSHA1, Secret: []byte("k")},
		"sha256": {Mode: AuthHMACSHA256, Secret: []byte("k")}, "sha384": {Mode: AuthHMACSHA384, Secret: []byte("k")},
		"sha512": {Mode: AuthHMACSHA512, Secret: []byte("k")},
	}
	wantMax := map[string]int{"none": 25, "simple": 24, "md5": 23, "sha1": 23, "sha256": 22, "sha384": 21, "sha512": 21}
	routes := make([]Route, 100)
	for i := range routes {
		routes[i] = Route{Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(i / 256), byte(i)}), 32), Metric: 2}
	}
	for name, k := range keys {
		if got := k.MaxRoutes(); got != wantMax[name] {
			t.Errorf("%s: MaxRoutes %d, want %d", name, got, wantMax[name])
		}
		total := 0
		for _, batch := range Batch(routes, k) {
			b, err := k.Marshal(response(batch...), 1)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(b) > MaxDatagram || len(batch) == 0 || len(batch) > MaxEntries {
				t.Errorf("%s: batch of %d routes is %d octets", name, len(batch), len(b))
			}
			total += len(batch)
		}
		if total != len(routes) {
			t.Errorf("%s: batches hold %d routes, want %d", name, total, len(routes))
		}
	}
	if got := Batch(nil, Key{}); len(got) != 0 {
		t.Errorf("Batch(nil) = %v", got)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, pkt string }{
		{"short", "02 02 00"},
		{"version 0", "02 00 00 00"},
		{"partial entry", "02 02 00 00 00 02 00 00 c0 a8"},
		{"auth type 9", "02 02 00 00 ff ff 00 09 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"},
		{"trailer beyond end", "02 02 00 00 ff ff 00 03 01 00 01 14 00 00 00 01 00 00 00 00 00 00 00 00"},
	}
	for _, tt := range tests {
		if _, err := Parse(unhex(t, tt.pkt)); err == nil {
			t.Errorf("%s: parsed", tt.name)
		}
	}
	// A whole-table request (one AFI 0 entry, metric 16) parses, no routes.
	p, err := Parse(unhex(t, "01 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 10"))
	if err != nil || p.Command != Request || len(p.Routes) != 0 {
		t.Errorf("whole-table request: %+v %v", p, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, k := range []Key{{}, {Mode: AuthSimple, Secret: []byte("pw")}, {Mode: AuthMD5, Secret: []byte("k")}, {Mode: AuthHMACSHA256, Secret: []byte("k")}} {
		b, _ := k.Marshal(response(vip, vip), 1)
		f.Add(b)
	}
	f.Add([]byte{2, 1, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			return
		}
		// Whatever parses re-encodes (mask-less and masked alike) to the
		// same message unless a route is unencodable; and verification
		// never panics.
		for _, k := range []Key{{}, {Mode: AuthMD5, Secret: []byte("k")}, {Mode: AuthHMACSHA256, Secret: []byte("k")}} {
			_ = k.Verify(b)
		}
		if len(p.Routes) <= MaxEntries {
			if out, err := p.Message.Marshal(); err == nil {
				q, err := Parse(out)
				if err != nil || !reflect.DeepEqual(q.Message, p.Message) {
					t.Fatalf("re-encoded message does not parse back: %v\n%+v\n%+v", err, q, p.Message)
				}
			}
		}
	})
}
