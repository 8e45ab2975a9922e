package main

import (
	"net/netip"
	"reflect"
	"testing"
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
