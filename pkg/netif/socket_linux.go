package netif

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// receiveBufferLen holds any message the kernel sends in one datagram: dump
// replies are built in buffers of at most 32 KiB.
const receiveBufferLen = 1 << 16

// socket is the kernel's Transport: a blocking NETLINK_ROUTE socket used
// for one request at a time.
type socket struct {
	fd  int
	buf []byte
}

// dial opens a route netlink socket in the calling thread's namespace,
// joined to the multicast groups (a bit mask, 0 for none).
func dial(groups uint32) (*socket, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("opening rtnetlink: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: groups}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("binding rtnetlink: %w", err)
	}
	return &socket{fd: fd, buf: make([]byte, receiveBufferLen)}, nil
}

func (s *socket) Close() error { return unix.Close(s.fd) }

// Exchange sends req and reads datagrams until one completes the answer.
func (s *socket) Exchange(req []byte) ([][]byte, error) {
	if len(req) < unix.SizeofNlMsghdr {
		return nil, errors.New("netlink request shorter than its header")
	}
	flags := binary.NativeEndian.Uint16(req[6:8])
	seq := binary.NativeEndian.Uint32(req[8:12])
	if err := unix.Sendto(s.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, err
	}
	var out [][]byte
	for {
		d, err := s.receive()
		if err != nil {
			return nil, err
		}
		out = append(out, d)
		msgs, err := parseMessages(d)
		if err != nil {
			return nil, err
		}
		if completes(flags, seq, msgs) {
			return out, nil
		}
	}
}

// receive reads one datagram into a buffer of its own: a dump spans
// datagrams and s.buf is reused.
func (s *socket) receive() ([]byte, error) {
	for {
		n, _, err := unix.Recvfrom(s.fd, s.buf, 0)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return append([]byte(nil), s.buf[:n]...), nil
	}
}

// completes reports whether msgs hold the end of the answer to request seq
// sent with flags.
func completes(flags uint16, seq uint32, msgs []rawMessage) bool {
	for _, m := range msgs {
		if m.seq != seq {
			continue
		}
		if m.typ == unix.NLMSG_DONE || m.typ == unix.NLMSG_ERROR {
			return true
		}
		if flags&unix.NLM_F_DUMP == 0 && flags&unix.NLM_F_ACK == 0 {
			return true
		}
	}
	return false
}
