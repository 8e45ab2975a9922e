package main

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ocfnet/ocfnet/pkg/ocf"
)

func TestRecordInherit(t *testing.T) {
	lo32 := netip.MustParsePrefix("192.168.1.10/32")
	tests := []struct {
		name     string
		rec, old record
		noOld    bool
		want     record
	}{
		{"no earlier record", record{Index: 2, Bits: 24}, record{}, true, record{Index: 2, Bits: 24}},
		{"loopback copies a killed start removed are kept",
			record{Index: 2, Bits: 24},
			record{Index: 2, Bits: 24, Loopback: []netip.Prefix{lo32}, LoopIndex: 1},
			false,
			record{Index: 2, Bits: 24, Loopback: []netip.Prefix{lo32}, LoopIndex: 1}},
		{"a copy in both is listed once",
			record{Index: 3, Bits: 24, Loopback: []netip.Prefix{lo32}, LoopIndex: 1},
			record{Index: 2, Bits: 25, Loopback: []netip.Prefix{lo32}, LoopIndex: 1},
			false,
			record{Index: 3, Bits: 24, Loopback: []netip.Prefix{lo32}, LoopIndex: 1}},
		{"the new placement wins, the old label is kept",
			record{Index: 3, Bits: 64},
			record{Index: 2, Bits: 128, AddrLabel: true, LabelValue: 99},
			false,
			record{Index: 3, Bits: 64, AddrLabel: true, LabelValue: 99}},
		{"the new label value wins",
			record{Index: 3, Bits: 64, AddrLabel: true, LabelValue: 7},
			record{Index: 3, Bits: 64, AddrLabel: true, LabelValue: 99},
			false,
			record{Index: 3, Bits: 64, AddrLabel: true, LabelValue: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := &tt.old
			if tt.noOld {
				old = nil
			}
			if got := tt.rec.inherit(old); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestRecordFile: a record reads back as written (loadRecord), records of the previous
// version (which also wrote nic, label and brought_up) still read, and
// anything else is refused rather than half understood.
func TestRecordFile(t *testing.T) {
	ip := netip.MustParseAddr("192.0.2.10")
	lo32 := netip.MustParsePrefix("192.0.2.10/32")
	tests := []struct {
		name string
		text string
		want *record // nil: read as no record
	}{
		{"this version", `{"index":3,"bits":24}`, &record{Index: 3, Bits: 24}},
		{"the previous version",
			`{"nic":"eth0","index":3,"bits":24,"label":"eth0:1","brought_up":true,"loopback":["192.0.2.10/32"],"loop_index":1}`,
			&record{Index: 3, Bits: 24, Loopback: []netip.Prefix{lo32}, LoopIndex: 1}},
		{"the previous version with a label",
			`{"nic":"eth0","index":3,"bits":64,"addr_label":true,"label_value":99}`,
			&record{Index: 3, Bits: 64, AddrLabel: true, LabelValue: 99}},
		{"an unknown field", `{"index":3,"bits":24,"owner":"x"}`, nil},
		{"garbled", `{"index":3,`, nil},
		{"a field of the wrong type", `{"index":"3","bits":24}`, nil},
		{"a repeated field", `{"index":3,"index":4,"bits":24}`, nil},
		{"a nested object", `{"index":3,"bits":{"v":24}}`, nil},
		{"a second object", `{"index":3,"bits":24}{}`, nil},
		{"a label value out of range", `{"index":3,"bits":64,"addr_label":true,"label_value":4294967296}`, nil},
		{"a loopback copy that is no prefix", `{"index":3,"bits":24,"loopback":["x"],"loop_index":1}`, nil},
		{"not an object", `[1,2]`, nil},
		{"empty", ``, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := decodeRecord([]byte(tt.text))
			var got *record
			if err == nil {
				got = &r
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("decoded %+v, %v; want %+v", got, err, tt.want)
			}
			if got == nil {
				return
			}
			dir := t.TempDir()
			c := &ocf.Context{Env: ocf.MapEnv{"HA_RSCTMP": dir}}
			if err := saveRecord(c, ip, *got); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(dir, recordName(ip)))
			for _, unread := range []string{`"nic"`, `"label"`, `"brought_up"`} {
				if strings.Contains(string(b), unread) {
					t.Errorf("saved %s: writes %s, which nothing reads", b, unread)
				}
			}
			if again, err := loadRecord(c, ip); err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("read back %+v, %v; want %+v", again, err, got)
			}
		})
	}
}
