package netiftest

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// The wire format of linux/netlink.h and linux/rtnetlink.h, written
// independently of netif's codec.

// attribute is one struct rtattr and its value.
type attribute struct {
	typ   uint16
	value []byte
}

func align4(n int) int { return (n + 3) &^ 3 }

// attributes splits b into attributes, stopping at a malformed one.
func attributes(b []byte) []attribute {
	var out []attribute
	for len(b) >= unix.SizeofRtAttr {
		l := int(binary.NativeEndian.Uint16(b[0:2]))
		if l < unix.SizeofRtAttr || l > len(b) {
			break
		}
		out = append(out, attribute{typ: binary.NativeEndian.Uint16(b[2:4]) &^ (unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER), value: b[unix.SizeofRtAttr:l]})
		b = b[min(align4(l), len(b)):]
	}
	return out
}

// putAttr appends an attribute, padded.
func putAttr(b []byte, typ uint16, value []byte) []byte {
	b = binary.NativeEndian.AppendUint16(b, uint16(unix.SizeofRtAttr+len(value)))
	b = binary.NativeEndian.AppendUint16(b, typ)
	b = append(b, value...)
	return append(b, make([]byte, align4(len(b))-len(b))...)
}

func u32(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }

func str(s string) []byte { return append([]byte(s), 0) }

func cstr(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// frame makes one netlink message of payload.
func frame(typ, flags uint16, seq uint32, payload []byte) []byte {
	b := make([]byte, unix.SizeofNlMsghdr, unix.SizeofNlMsghdr+len(payload)+3)
	binary.NativeEndian.PutUint32(b[0:4], uint32(unix.SizeofNlMsghdr+len(payload)))
	binary.NativeEndian.PutUint16(b[4:6], typ)
	binary.NativeEndian.PutUint16(b[6:8], flags)
	binary.NativeEndian.PutUint32(b[8:12], seq)
	binary.NativeEndian.PutUint32(b[12:16], portID)
	b = append(b, payload...)
	return append(b, make([]byte, align4(len(b))-len(b))...)
}

// portID is the port the fake kernel writes in its answers' headers.
const portID = 4242

// errorMessage is NLMSG_ERROR for req: an acknowledgement for errno 0, a
// failure otherwise, followed by the request's header, as the kernel
// echoes it.
func errorMessage(req []byte, seq uint32, errno unix.Errno) []byte {
	p := binary.NativeEndian.AppendUint32(nil, uint32(-int32(errno)))
	p = append(p, req[:unix.SizeofNlMsghdr]...)
	return frame(unix.NLMSG_ERROR, 0, seq, p)
}
