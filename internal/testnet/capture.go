package testnet

import (
	"encoding/binary"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// UDPPacket is one captured IPv4 UDP datagram.
type UDPPacket struct {
	At       time.Time
	Src, Dst netip.Addr
	SrcPort  uint16
	DstPort  uint16
	Payload  []byte
}

// Capture records the UDP datagrams arriving in a namespace to a port,
// whatever else listens there (a raw socket gets a copy of each).
type Capture struct {
	fd      int
	stopped atomic.Bool
	mu      sync.Mutex
	pkts    []UDPPacket
	done    chan struct{}
}

// CaptureUDP starts capturing datagrams to port inside ns until the test
// ends.
func (ns *NS) CaptureUDP(t testing.TB, port uint16) *Capture {
	t.Helper()
	var fd int
	var err error
	ns.Do(t, func() { fd, err = unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_UDP) })
	if err != nil {
		t.Fatalf("capture socket in %s: %v", ns.Name, err)
	}
	// A receive timeout lets the reader notice stop without closing the
	// descriptor under it (its number could be reused at once).
	tv := unix.NsecToTimeval((50 * time.Millisecond).Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	// Arrival times from the kernel: the reader may lag behind under load.
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	c := &Capture{fd: fd, done: make(chan struct{})}
	go c.read(port)
	t.Cleanup(c.stop)
	return c
}

func (c *Capture) read(port uint16) {
	defer close(c.done)
	runtime.LockOSThread()
	buf, oob := make([]byte, 65536), make([]byte, 128)
	for !c.stopped.Load() {
		n, oobn, _, _, err := unix.Recvmsg(c.fd, buf, oob, 0)
		if err == unix.EAGAIN || err == unix.EINTR {
			continue
		}
		if err != nil {
			return
		}
		if p, ok := parseUDP(buf[:n]); ok && p.DstPort == port {
			p.At = arrival(oob[:oobn])
			c.mu.Lock()
			c.pkts = append(c.pkts, p)
			c.mu.Unlock()
		}
	}
}

func (c *Capture) stop() {
	c.stopped.Store(true)
	<-c.done
	unix.Close(c.fd)
}

// Since returns the datagrams captured after t.
func (c *Capture) Since(t time.Time) []UDPPacket {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []UDPPacket
	for _, p := range c.pkts {
		if p.At.After(t) {
			out = append(out, p)
		}
	}
	return out
}

// arrival returns the kernel's receive timestamp, or now.
func arrival(oob []byte) time.Time {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err == nil {
		for _, m := range msgs {
			if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_TIMESTAMPNS && len(m.Data) >= 16 {
				ts := (*unix.Timespec)(unsafe.Pointer(&m.Data[0]))
				return time.Unix(ts.Unix())
			}
		}
	}
	return time.Now()
}

// parseUDP decodes an IPv4 packet carrying UDP (RFC 791, RFC 768).
func parseUDP(b []byte) (UDPPacket, bool) {
	if len(b) < 20 || b[0]>>4 != 4 {
		return UDPPacket{}, false
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < 20 || len(b) < ihl+8 || b[9] != unix.IPPROTO_UDP {
		return UDPPacket{}, false
	}
	u := b[ihl:]
	return UDPPacket{
		At:      time.Now(),
		Src:     netip.AddrFrom4([4]byte(b[12:16])),
		Dst:     netip.AddrFrom4([4]byte(b[16:20])),
		SrcPort: binary.BigEndian.Uint16(u[0:2]),
		DstPort: binary.BigEndian.Uint16(u[2:4]),
		Payload: append([]byte(nil), u[8:]...),
	}, true
}
