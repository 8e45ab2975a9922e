package garp

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/mdlayher/arp"
)

func TestProbe(t *testing.T) {
	other := net.HardwareAddr{0x02, 0, 0, 0, 0, 0x99}
	taken := netip.MustParseAddr("192.168.50.20")
	free := netip.MustParseAddr("192.168.50.21")
	tests := []struct {
		name    string
		answers map[netip.Addr]net.HardwareAddr
		ip      netip.Addr
		want    net.HardwareAddr
	}{
		{"nobody answers", nil, free, nil},
		{"another host answers", map[netip.Addr]net.HardwareAddr{taken: other}, taken, other},
		{"someone else's address answers", map[netip.Addr]net.HardwareAddr{taken: other}, free, nil},
		{"our own echo is not a claim", map[netip.Addr]net.HardwareAddr{taken: testMAC}, taken, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			link := newFakeLink(testMAC, tt.answers)
			// A virtual clock: the probe's gaps take no real time, and
			// the fake link hands over every queued packet before the
			// deadline, so nothing depends on the scheduler.
			got, err := probe(context.Background(), newFakeClock(), link, tt.ip, 2, 5*time.Millisecond, 10*time.Millisecond)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want.String() {
				t.Errorf("claimed by %v, want %v", got, tt.want)
			}
			if len(link.sent) != 2 {
				t.Fatalf("%d probes sent, want 2", len(link.sent))
			}
			p := link.sent[0].p
			if p.Operation != arp.OperationRequest || p.SenderIP != netip.IPv4Unspecified() || p.TargetIP != tt.ip {
				t.Errorf("probe %+v is not an RFC 5227 probe", p)
			}
		})
	}
}

func TestClaims(t *testing.T) {
	other := net.HardwareAddr{0x02, 0, 0, 0, 0, 0x99}
	ip := netip.MustParseAddr("192.168.50.20")
	probe, _ := ProbePacket(other, ip)
	otherProbe, _ := ProbePacket(other, netip.MustParseAddr("192.168.50.30"))
	announce, _ := Request(other, ip)
	ownProbe, _ := ProbePacket(testMAC, ip)
	unrelated, _ := Request(other, netip.MustParseAddr("192.168.50.40"))
	tests := []struct {
		name string
		p    *arp.Packet
		want bool
	}{
		{"another host probing for it", probe, true},
		{"another host announcing it", announce, true},
		{"a probe for another address", otherProbe, false},
		{"our own probe", ownProbe, false},
		{"unrelated traffic", unrelated, false},
	}
	for _, tt := range tests {
		if got := claims(tt.p, ip, testMAC); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
