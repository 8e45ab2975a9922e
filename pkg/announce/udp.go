package announce

import (
	"encoding/binary"
	"net/netip"
)

// udpHeaderLen is the length of a UDP header (RFC 768).
const udpHeaderLen = 8

// udpDatagram returns a UDP header plus payload from src:port to
// dst:port with its checksum over the IPv4 pseudo-header (RFC 768).
func udpDatagram(src, dst netip.Addr, port uint16, payload []byte) []byte {
	b := make([]byte, udpHeaderLen+len(payload))
	binary.BigEndian.PutUint16(b[0:2], port)
	binary.BigEndian.PutUint16(b[2:4], port)
	binary.BigEndian.PutUint16(b[4:6], uint16(len(b)))
	copy(b[udpHeaderLen:], payload)
	sum := pseudoHeaderSum(src, dst, len(b)) + onesSum(b)
	c := ^fold(sum)
	if c == 0 {
		c = 0xffff // 0 means "no checksum" in UDP over IPv4
	}
	binary.BigEndian.PutUint16(b[6:8], c)
	return b
}

const protocolUDP = 17

func pseudoHeaderSum(src, dst netip.Addr, length int) uint32 {
	s, d := src.As4(), dst.As4()
	return onesSum(s[:]) + onesSum(d[:]) + protocolUDP + uint32(length)
}

// onesSum adds b as big-endian 16-bit words, the last odd octet padded.
func onesSum(b []byte) uint32 {
	var sum uint32
	for ; len(b) >= 2; b = b[2:] {
		sum += uint32(binary.BigEndian.Uint16(b))
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	return sum
}

func fold(sum uint32) uint16 {
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return uint16(sum)
}
