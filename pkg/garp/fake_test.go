package garp

import (
	"net"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/mdlayher/arp"
)

type pkt = arp.Packet

func wrap(f func(net.HardwareAddr, netip.Addr) (*arp.Packet, error)) func(net.HardwareAddr, netip.Addr) (*pkt, error) {
	return f
}

// sent is one packet a fake wrote.
type sent struct {
	p  *arp.Packet
	to net.HardwareAddr
	at time.Time
}

// recorder is a Writer that keeps what it is given.
type recorder struct {
	mu   sync.Mutex
	sent []sent
}

func (r *recorder) WriteTo(p *arp.Packet, to net.HardwareAddr) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, sent{p, to, time.Now()})
	return nil
}

// fakeLink is a ProbeConn on a pretend LAN: written probes are echoed back
// (as a real packet socket does) and answered by the hosts in answers.
type fakeLink struct {
	recorder
	hw       net.HardwareAddr
	answers  map[netip.Addr]net.HardwareAddr // ip -> owner
	in       chan *arp.Packet
	deadline chan struct{}
	once     sync.Once
}

func newFakeLink(hw net.HardwareAddr, answers map[netip.Addr]net.HardwareAddr) *fakeLink {
	return &fakeLink{hw: hw, answers: answers, in: make(chan *arp.Packet, 16), deadline: make(chan struct{})}
}

func (f *fakeLink) HardwareAddr() net.HardwareAddr { return f.hw }

func (f *fakeLink) WriteTo(p *arp.Packet, to net.HardwareAddr) error {
	_ = f.recorder.WriteTo(p, to)
	f.in <- p // our own frame comes back
	if owner, ok := f.answers[p.TargetIP]; ok {
		reply, _ := arp.NewPacket(arp.OperationReply, owner, p.TargetIP, p.SenderHardwareAddr, p.SenderIP)
		f.in <- reply
	}
	return nil
}

func (f *fakeLink) Read() (*arp.Packet, net.HardwareAddr, error) {
	select {
	case p := <-f.in:
		return p, p.SenderHardwareAddr, nil
	case <-f.deadline:
		return nil, nil, os.ErrDeadlineExceeded
	}
}

func (f *fakeLink) SetReadDeadline(time.Time) error {
	f.once.Do(func() { close(f.deadline) })
	return nil
}
