//go:build linux

package netif

import "testing"

func TestParseProtocol(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"", AnyProtocol, true},
		{"kernel", 2, true}, {"boot", 3, true}, {"static", 4, true}, {"dhcp", 16, true},
		{"bgp", 186, true}, {"ospf", 188, true}, {"rip", 189, true},
		{"0", 0, true}, {"255", 255, true},
		{"256", 0, false}, {"-1", 0, false}, {"Kernel", 0, false}, {"zebra ", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseProtocol(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("ParseProtocol(%q) = %d, %v", tt.in, got, err)
		}
	}
}
