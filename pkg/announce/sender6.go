package announce

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"github.com/ocfnet/ocfnet/pkg/rip"
	"golang.org/x/sys/unix"
)

// ngHopLimit is what RIPng responses are sent with (RFC 2080 §2.4.2):
// receivers drop a response with any other hop limit, which proves it
// came from the link.
const ngHopLimit = 255

// udpChecksumOffset is where the checksum sits in a UDP header. UDP over
// IPv6 must carry one (RFC 8200 §8.1); with IPV6_CHECKSUM the kernel
// computes it over the pseudo-header it alone knows the final form of.
const udpChecksumOffset = 6

// newSender6 opens a RIPng sender: a raw IPv6 socket for UDP bound to the
// link-local source src on ifindex.
func newSender6(ifname string, ifindex int, src netip.Addr) (*Sender, error) {
	if !src.IsLinkLocalUnicast() {
		return nil, fmt.Errorf("announce: RIPng source %v is not a link-local address", src)
	}
	fd, err := unix.Socket(unix.AF_INET6, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_UDP)
	if err != nil {
		return nil, fmt.Errorf("announce: raw IPv6 socket: %w", err)
	}
	s := &Sender{fd: fd, src: src, ifindex: ifindex}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 0)
	_ = unix.Shutdown(fd, unix.SHUT_RD)
	steps := []struct {
		what string
		err  error
	}{
		{"binding to " + ifname, unix.SetsockoptString(fd, unix.SOL_SOCKET, unix.SO_BINDTODEVICE, ifname)},
		{"binding to " + src.String(), unix.Bind(fd, &unix.SockaddrInet6{Addr: src.As16(), ZoneId: uint32(ifindex)})},
		{"setting the checksum offset", unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_CHECKSUM, udpChecksumOffset)},
		{"setting the multicast interface", unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_IF, ifindex)},
		{"setting the multicast hop limit", unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_HOPS, ngHopLimit)},
		{"setting the unicast hop limit", unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS, ngHopLimit)},
		{"disabling multicast loopback", unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_LOOP, 0)},
	}
	for _, st := range steps {
		if st.err != nil {
			unix.Close(fd)
			return nil, fmt.Errorf("announce: %s: %w", st.what, st.err)
		}
	}
	return s, nil
}

// send6 sends one RIPng payload from port 521 to port 521 of dst (ff02::9
// or a router's link-local address, on the sender's interface).
func (s *Sender) send6(dst netip.Addr, payload []byte) error {
	if !dst.Is6() {
		return fmt.Errorf("announce: destination %v is not IPv6", dst)
	}
	b := make([]byte, udpHeaderLen+len(payload))
	binary.BigEndian.PutUint16(b[0:2], rip.NgPort)
	binary.BigEndian.PutUint16(b[2:4], rip.NgPort)
	binary.BigEndian.PutUint16(b[4:6], uint16(len(b)))
	copy(b[udpHeaderLen:], payload)
	to := &unix.SockaddrInet6{Addr: dst.As16()}
	if dst.IsLinkLocalUnicast() || dst.IsLinkLocalMulticast() {
		to.ZoneId = uint32(s.ifindex)
	}
	if err := unix.Sendto(s.fd, b, 0, to); err != nil {
		return fmt.Errorf("announce: sending to %v: %w", dst, err)
	}
	return nil
}
