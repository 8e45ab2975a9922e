package announce

import (
	"fmt"
	"net/netip"

	"github.com/ocfnet/ocfnet/pkg/rip"
	"golang.org/x/sys/unix"
)

// multicastTTL is what RIP routers send with: responses are for
// neighbours on the link only.
const multicastTTL = 1

// Sender sends RIP datagrams from one address on one interface. It opens
// a raw socket for UDP: the kernel adds the IP header, the sender writes
// UDP with source port 520 (RIPng: 521), so the port is never bound and a
// routing daemon on the node keeps it. Nothing is ever received on it.
type Sender struct {
	fd      int
	src     netip.Addr
	ifindex int
}

// NewSender opens a sender with source address src on interface ifname,
// in the calling thread's network namespace. An IPv6 src (a link-local
// address) makes a RIPng sender.
func NewSender(ifname string, ifindex int, src netip.Addr) (*Sender, error) {
	if src.Is6() {
		return newSender6(ifname, ifindex, src)
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_UDP)
	if err != nil {
		return nil, fmt.Errorf("announce: raw socket: %w", err)
	}
	s := &Sender{fd: fd, src: src, ifindex: ifindex}
	if err := s.setup(ifname, ifindex); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return s, nil
}

func (s *Sender) setup(ifname string, ifindex int) error {
	// A raw socket receives every UDP datagram of the namespace unless
	// its receive buffer is minimal and nothing reads it: shrink it, and
	// shut down the receive side.
	_ = unix.SetsockoptInt(s.fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 0)
	_ = unix.Shutdown(s.fd, unix.SHUT_RD)
	steps := []struct {
		what string
		err  error
	}{
		{"binding to " + ifname, unix.SetsockoptString(s.fd, unix.SOL_SOCKET, unix.SO_BINDTODEVICE, ifname)},
		{"binding to " + s.src.String(), unix.Bind(s.fd, &unix.SockaddrInet4{Addr: s.src.As4()})},
		{"setting the multicast interface", unix.SetsockoptIPMreqn(s.fd, unix.IPPROTO_IP, unix.IP_MULTICAST_IF,
			&unix.IPMreqn{Address: s.src.As4(), Ifindex: int32(ifindex)})},
		{"setting the multicast TTL", unix.SetsockoptInt(s.fd, unix.IPPROTO_IP, unix.IP_MULTICAST_TTL, multicastTTL)},
		{"disabling multicast loopback", unix.SetsockoptInt(s.fd, unix.IPPROTO_IP, unix.IP_MULTICAST_LOOP, 0)},
		{"allowing broadcast", unix.SetsockoptInt(s.fd, unix.SOL_SOCKET, unix.SO_BROADCAST, 1)},
	}
	for _, st := range steps {
		if st.err != nil {
			return fmt.Errorf("announce: %s: %w", st.what, st.err)
		}
	}
	return nil
}

// Send sends one RIP payload to dst (224.0.0.9, a subnet broadcast or a
// router's unicast address), from port 520 to port 520.
func (s *Sender) Send(dst netip.Addr, payload []byte) error {
	if s.src.Is6() {
		return s.send6(dst, payload)
	}
	if !dst.Is4() {
		return fmt.Errorf("announce: destination %v is not IPv4", dst)
	}
	b := udpDatagram(s.src, dst, rip.Port, payload)
	if err := unix.Sendto(s.fd, b, 0, &unix.SockaddrInet4{Addr: dst.As4()}); err != nil {
		return fmt.Errorf("announce: sending to %v: %w", dst, err)
	}
	return nil
}

// Close closes the socket.
func (s *Sender) Close() error { return unix.Close(s.fd) }
