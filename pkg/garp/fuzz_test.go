package garp

import (
	"bytes"
	"testing"

	"github.com/mdlayher/ethernet"
)

func FuzzParseFrame(f *testing.F) {
	req, _ := Request(testMAC, testIP)
	pb, _ := req.MarshalBinary()
	frame, _ := (&ethernet.Frame{Destination: Broadcast, Source: testMAC, EtherType: ethernet.EtherTypeARP, Payload: pb}).MarshalBinary()
	f.Add(frame)
	f.Add(frame[:20])
	f.Add([]byte{})
	bad := append([]byte(nil), frame...)
	bad[ethernetHeaderLen+4] = 128 // hardware address length the old arp decoder overflowed on
	f.Add(bad)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, src, err := parseFrame(b)
		if err != nil {
			return
		}
		// Whatever parses re-encodes to the same ARP bytes.
		out, err := p.MarshalBinary()
		if err != nil {
			t.Fatalf("parsed packet does not marshal: %v", err)
		}
		if !bytes.Equal(out, b[ethernetHeaderLen:ethernetHeaderLen+arpPacketLen]) {
			t.Fatalf("round trip differs:\n% x\n% x", out, b[ethernetHeaderLen:ethernetHeaderLen+arpPacketLen])
		}
		if len(src) != macLen {
			t.Fatalf("source %v", src)
		}
	})
}
