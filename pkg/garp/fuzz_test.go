package garp

import (
	"bytes"
	"testing"

	"github.com/mdlayher/ethernet"
)

// testFrame is the Ethernet frame carrying the gratuitous request for
// testIP at testMAC, as Conn.WriteTo sends it.
func testFrame(tb testing.TB) []byte {
	tb.Helper()
	req, err := Request(testMAC, testIP)
	if err != nil {
		tb.Fatal(err)
	}
	pb, err := req.MarshalBinary()
	if err != nil {
		tb.Fatal(err)
	}
	frame, err := (&ethernet.Frame{Destination: Broadcast, Source: testMAC, EtherType: ethernet.EtherTypeARP, Payload: pb}).MarshalBinary()
	if err != nil {
		tb.Fatal(err)
	}
	return frame
}

// tagged returns frame with 802.1Q tags (TPID tpid, VLAN id) inserted after
// the two addresses, outermost first.
func tagged(frame []byte, tags ...[2]uint16) []byte {
	out := append([]byte(nil), frame[:12]...)
	for _, t := range tags {
		out = append(out, byte(t[0]>>8), byte(t[0]), byte(t[1]>>8), byte(t[1]))
	}
	return append(out, frame[12:]...)
}

// FuzzParseFrame checks what parseFrame promises for every frame it
// accepts (see its comment); testdata/fuzz/FuzzParseFrame holds the inputs
// that broke an earlier oracle or parser.
func FuzzParseFrame(f *testing.F) {
	frame := testFrame(f)
	f.Add(frame)
	f.Add(frame[:20])
	f.Add([]byte{})
	bad := append([]byte(nil), frame...)
	bad[ethernetHeaderLen+4] = 128 // hardware address length the old arp decoder overflowed on
	f.Add(bad)
	f.Add(tagged(frame, [2]uint16{0x8100, 5}))
	f.Add(tagged(frame, [2]uint16{0x88a8, 7}, [2]uint16{0x8100, 5}))
	f.Add(append(append([]byte(nil), frame...), make([]byte, 18)...)) // padded to the 60-byte minimum
	f.Fuzz(func(t *testing.T, b []byte) {
		p, src, err := parseFrame(b)
		if err != nil {
			return
		}
		if len(b) < ethernetHeaderLen+arpPacketLen {
			t.Fatalf("accepted a %d-byte frame", len(b))
		}
		if et := b[12:14]; et[0] != 0x08 || et[1] != 0x06 {
			t.Fatalf("accepted EtherType % x at byte 12", et)
		}
		arpBytes := b[ethernetHeaderLen : ethernetHeaderLen+arpPacketLen]
		if !bytes.Equal(arpBytes[:6], []byte{0, 1, 0x08, 0x00, macLen, 4}) {
			t.Fatalf("accepted ARP header % x, not Ethernet/IPv4", arpBytes[:6])
		}
		// Whatever parses re-encodes to the same ARP bytes.
		out, err := p.MarshalBinary()
		if err != nil {
			t.Fatalf("parsed packet does not marshal: %v", err)
		}
		if !bytes.Equal(out, arpBytes) {
			t.Fatalf("round trip differs:\n% x\n% x", out, arpBytes)
		}
		if !bytes.Equal(src, b[6:12]) {
			t.Fatalf("source %v, frame says % x", src, b[6:12])
		}
	})
}

func TestParseFrame(t *testing.T) {
	frame := testFrame(t)
	with := func(i int, v byte) []byte {
		b := append([]byte(nil), frame...)
		b[i] = v
		return b
	}
	tests := []struct {
		name string
		b    []byte
		ok   bool
	}{
		{"gratuitous request", frame, true},
		{"padded to 60 bytes", append(append([]byte(nil), frame...), make([]byte, 18)...), true},
		{"802.1Q tagged", tagged(frame, [2]uint16{0x8100, 5}), false},
		{"802.1ad + 802.1Q tagged", tagged(frame, [2]uint16{0x88a8, 7}, [2]uint16{0x8100, 5}), false},
		{"truncated ARP", frame[:ethernetHeaderLen+arpPacketLen-1], false},
		{"IPv4 EtherType", with(13, 0x00), false},
		{"hardware type 6", with(ethernetHeaderLen+1, 6), false},
		{"protocol IPv6", with(ethernetHeaderLen+2, 0x86), false},
		{"hardware length 128", with(ethernetHeaderLen+4, 128), false},
		{"protocol length 16", with(ethernetHeaderLen+5, 16), false},
	}
	for _, tt := range tests {
		p, src, err := parseFrame(tt.b)
		if (err == nil) != tt.ok {
			t.Errorf("%s: error %v, want accepted=%v", tt.name, err, tt.ok)
			continue
		}
		if tt.ok && (p.SenderIP != testIP || src.String() != testMAC.String()) {
			t.Errorf("%s: sender %v from %v", tt.name, p.SenderIP, src)
		}
	}
}
