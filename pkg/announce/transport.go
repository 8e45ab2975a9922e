package announce

import (
	"errors"
	"net/netip"
)

// Transport sends datagrams with one Sender per interface and source,
// opened on first use and reopened after an error (the interface may have
// been recreated).
type Transport struct {
	senders map[string]*Sender
}

// NewTransport returns an empty transport.
func NewTransport() *Transport { return &Transport{senders: map[string]*Sender{}} }

// Send is a SendFunc.
func (t *Transport) Send(e Entry, dst netip.Addr, payload []byte) error {
	k := e.Interface + "|" + e.Source.String()
	s, ok := t.senders[k]
	if !ok {
		var err error
		if s, err = NewSender(e.Interface, e.IfIndex, e.Source); err != nil {
			return err
		}
		t.senders[k] = s
	}
	if err := s.Send(dst, payload); err != nil {
		s.Close()
		delete(t.senders, k)
		return err
	}
	return nil
}

// Close closes every sender.
func (t *Transport) Close() error {
	var errs []error
	for k, s := range t.senders {
		errs = append(errs, s.Close())
		delete(t.senders, k)
	}
	return errors.Join(errs...)
}
