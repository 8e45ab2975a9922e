package announce

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

func TestUDPDatagram(t *testing.T) {
	src, dst := netip.MustParseAddr("192.168.10.221"), netip.MustParseAddr("224.0.0.9")
	for _, payload := range [][]byte{{}, {1}, {2, 2, 0, 0}, make([]byte, 505)} {
		b := udpDatagram(src, dst, 520, payload)
		if got := binary.BigEndian.Uint16(b[0:2]); got != 520 {
			t.Errorf("source port %d", got)
		}
		if got := binary.BigEndian.Uint16(b[2:4]); got != 520 {
			t.Errorf("destination port %d", got)
		}
		if got := int(binary.BigEndian.Uint16(b[4:6])); got != len(payload)+udpHeaderLen {
			t.Errorf("length %d for %d octets", got, len(payload))
		}
		// A receiver sums pseudo-header and datagram, checksum included:
		// a correct checksum makes that all ones.
		if sum := fold(pseudoHeaderSum(src, dst, len(b)) + onesSum(b)); sum != 0xffff {
			t.Errorf("checksum does not verify for %d octets: %#04x", len(payload), sum)
		}
	}
	// RFC 1071's worked example: words 0001 f203 f4f5 f6f7 sum to ddf2.
	if got := fold(onesSum([]byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7})); got != 0xddf2 {
		t.Errorf("RFC 1071 example sums to %#04x, want 0xddf2", got)
	}
}
