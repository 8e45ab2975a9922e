//go:build linux

package netif

import (
	"encoding/binary"
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// answers is a Transport that answers every request with the datagrams
// its function builds from the request's sequence number.
type answers func(seq uint32) [][]byte

func (a answers) Exchange(req []byte) ([][]byte, error) {
	return a(binary.NativeEndian.Uint32(req[8:12])), nil
}

func (answers) Close() error { return nil }

func errno(e unix.Errno) []byte { return binary.NativeEndian.AppendUint32(nil, uint32(-int32(e))) }

// TestConnAnswers: how dump and request read what the transport brings:
// messages of another request are dropped, the end of an answer must be
// there, and errors come from NLMSG_ERROR and NLMSG_DONE.
func TestConnAnswers(t *testing.T) {
	link := make([]byte, ifinfomsgLen)
	tests := []struct {
		name    string
		dump    bool
		answer  answers
		want    int // messages
		wantErr error
	}{
		{"dump across datagrams", true, func(s uint32) [][]byte {
			return [][]byte{
				append(msg(unix.RTM_NEWLINK, unix.NLM_F_MULTI, s, link), msg(unix.RTM_NEWLINK, unix.NLM_F_MULTI, s, link)...),
				msg(unix.NLMSG_DONE, unix.NLM_F_MULTI, s, u32(0)),
			}
		}, 2, nil},
		{"a stale answer is dropped", true, func(s uint32) [][]byte {
			return [][]byte{msg(unix.RTM_NEWLINK, unix.NLM_F_MULTI, s-1, link), msg(unix.NLMSG_DONE, unix.NLM_F_MULTI, s, u32(0))}
		}, 0, nil},
		{"a dump without its end", true, func(s uint32) [][]byte {
			return [][]byte{msg(unix.RTM_NEWLINK, unix.NLM_F_MULTI, s, link)}
		}, 0, errTruncated},
		{"a dump failing at its end", true, func(s uint32) [][]byte {
			return [][]byte{msg(unix.NLMSG_DONE, unix.NLM_F_MULTI, s, errno(unix.EBUSY))}
		}, 0, unix.EBUSY},
		{"a dump refused", true, func(s uint32) [][]byte {
			return [][]byte{msg(unix.NLMSG_ERROR, 0, s, errno(unix.EOPNOTSUPP))}
		}, 0, unix.EOPNOTSUPP},
		{"an interrupted dump", true, func(s uint32) [][]byte {
			return [][]byte{msg(unix.RTM_NEWLINK, unix.NLM_F_MULTI|unix.NLM_F_DUMP_INTR, s, link), msg(unix.NLMSG_DONE, unix.NLM_F_MULTI, s, u32(0))}
		}, 0, errDumpInterrupted},
		{"a get", false, func(s uint32) [][]byte { return [][]byte{msg(unix.RTM_NEWLINK, 0, s, link)} }, 1, nil},
		{"a get refused", false, func(s uint32) [][]byte { return [][]byte{msg(unix.NLMSG_ERROR, 0, s, errno(unix.ENODEV))} }, 0, unix.ENODEV},
		{"no answer", false, func(uint32) [][]byte { return nil }, 0, errTruncated},
		{"only a stale answer", false, func(s uint32) [][]byte { return [][]byte{msg(unix.RTM_NEWLINK, 0, s+1, link)} }, 0, errTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &conn{t: tt.answer}
			var n int
			var err error
			if tt.dump {
				var msgs []message
				msgs, err = c.dump(unix.RTM_GETLINK, link)
				n = len(msgs)
			} else {
				var m message
				m, err = c.request(unix.RTM_GETLINK, 0, link)
				if m.typ != 0 {
					n = 1
				}
			}
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if n != tt.want {
				t.Errorf("%d messages, want %d", n, tt.want)
			}
		})
	}
}

// TestCompletes: the socket reads until the message that ends the answer
// to its request: NLMSG_DONE or NLMSG_ERROR, or for a get without
// NLM_F_ACK its one reply; never on another request's message.
func TestCompletes(t *testing.T) {
	m := func(typ uint16, seq uint32) rawMessage { return rawMessage{message: message{typ: typ}, seq: seq} }
	tests := []struct {
		name  string
		flags uint16
		msgs  []rawMessage
		want  bool
	}{
		{"dump: a reply", unix.NLM_F_DUMP, []rawMessage{m(unix.RTM_NEWADDR, 7)}, false},
		{"dump: done", unix.NLM_F_DUMP, []rawMessage{m(unix.RTM_NEWADDR, 7), m(unix.NLMSG_DONE, 7)}, true},
		{"dump: another's done", unix.NLM_F_DUMP, []rawMessage{m(unix.NLMSG_DONE, 6)}, false},
		{"dump: refused", unix.NLM_F_DUMP, []rawMessage{m(unix.NLMSG_ERROR, 7)}, true},
		{"get: the reply", 0, []rawMessage{m(unix.RTM_NEWLINK, 7)}, true},
		{"get: another's reply", 0, []rawMessage{m(unix.RTM_NEWLINK, 8)}, false},
		{"change: a reply before the ack", unix.NLM_F_ACK | unix.NLM_F_CREATE | unix.NLM_F_EXCL, []rawMessage{m(unix.RTM_NEWADDR, 7)}, false},
		{"change: the ack", unix.NLM_F_ACK | unix.NLM_F_CREATE | unix.NLM_F_EXCL, []rawMessage{m(unix.NLMSG_ERROR, 7)}, true},
	}
	for _, tt := range tests {
		if got := completes(tt.flags, 7, tt.msgs); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
