package garp

import (
	"bytes"
	"net"
	"net/netip"
	"testing"
)

var (
	testMAC = net.HardwareAddr{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}
	testIP  = netip.MustParseAddr("192.168.50.10")
)

// TestGoldenPackets pins the 28 ARP bytes of each packet kind.
func TestGoldenPackets(t *testing.T) {
	header := func(op byte) []byte {
		return []byte{
			0x00, 0x01, // hardware type: Ethernet
			0x08, 0x00, // protocol type: IPv4
			0x06,     // hardware address length
			0x04,     // protocol address length
			0x00, op, // operation: 1 request, 2 reply
		}
	}
	mac := []byte(testMAC)
	ip := []byte{192, 168, 50, 10}
	zero6, zero4 := make([]byte, 6), make([]byte, 4)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name string
		make func(net.HardwareAddr, netip.Addr) (*pkt, error)
		want []byte
	}{
		// who-has 192.168.50.10 tell 192.168.50.10, target MAC zero
		{"request", wrap(Request), cat(header(1), mac, ip, zero6, ip)},
		// 192.168.50.10 is-at 02:00:00:00:00:01, target = sender
		{"reply", wrap(Reply), cat(header(2), mac, ip, mac, ip)},
		// probe: sender IP 0.0.0.0
		{"probe", wrap(ProbePacket), cat(header(1), mac, zero4, zero6, ip)},
	}
	for _, tt := range tests {
		p, err := tt.make(testMAC, testIP)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got, err := p.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != arpPacketLen || !bytes.Equal(got, tt.want) {
			t.Errorf("%s:\n got % x\nwant % x", tt.name, got, tt.want)
		}
	}
}

func TestBadArguments(t *testing.T) {
	for _, f := range []func(net.HardwareAddr, netip.Addr) (*pkt, error){wrap(Request), wrap(Reply), wrap(ProbePacket)} {
		if _, err := f(testMAC, netip.MustParseAddr("2001:db8::1")); err == nil {
			t.Error("IPv6 address accepted")
		}
		if _, err := f(nil, testIP); err == nil {
			t.Error("nil hardware address accepted")
		}
		if _, err := f(net.HardwareAddr{1, 2, 3}, testIP); err == nil {
			t.Error("short hardware address accepted")
		}
	}
}
