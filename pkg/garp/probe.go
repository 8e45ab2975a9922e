package garp

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/mdlayher/arp"
)

// ProbeConn is what Probe needs: *Conn, or a fake in tests.
type ProbeConn interface {
	Writer
	Read() (*arp.Packet, net.HardwareAddr, error)
	SetReadDeadline(t time.Time) error
	HardwareAddr() net.HardwareAddr
}

// Probe asks whether another host uses ip (RFC 5227 §2.1): it sends count
// probes gap apart and listens until wait after the last. It returns the
// hardware address of the first host that claims ip, or nil. A claim is
// any ARP packet from another hardware address whose sender IP is ip, or
// another host's probe for ip (RFC 5227 §2.1.1: both want it).
func Probe(ctx context.Context, c ProbeConn, ip netip.Addr, count int, gap, wait time.Duration) (net.HardwareAddr, error) {
	return probe(ctx, realClock{}, c, ip, count, gap, wait)
}

func probe(ctx context.Context, clk clock, c ProbeConn, ip netip.Addr, count int, gap, wait time.Duration) (net.HardwareAddr, error) {
	own := c.HardwareAddr()
	req, err := ProbePacket(own, ip)
	if err != nil {
		return nil, err
	}
	found := make(chan net.HardwareAddr, 1)
	done := make(chan error, 1)
	go func() { done <- listen(c, ip, own, found) }()

	var sendErr error
	for k := range count {
		if k > 0 {
			if sendErr = clk.Sleep(ctx, gap); sendErr != nil {
				break
			}
		}
		if sendErr = c.WriteTo(req, Broadcast); sendErr != nil {
			break
		}
	}
	if sendErr == nil {
		sendErr = clk.Sleep(ctx, wait)
	}
	// Wake the listener and collect what it saw.
	_ = c.SetReadDeadline(time.Now())
	listenErr := <-done
	select {
	case mac := <-found:
		return mac, nil
	default:
	}
	if sendErr != nil {
		return nil, sendErr
	}
	return nil, listenErr
}

// listen reads until the deadline fires, reporting the first claim.
func listen(c ProbeConn, ip netip.Addr, own net.HardwareAddr, found chan<- net.HardwareAddr) error {
	for {
		p, _, err := c.Read()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil
		}
		if err != nil {
			return err
		}
		if claims(p, ip, own) {
			found <- p.SenderHardwareAddr
			return nil
		}
	}
}

// claims reports whether p, received while probing for ip, shows that
// another host uses or wants ip.
func claims(p *arp.Packet, ip netip.Addr, own net.HardwareAddr) bool {
	if bytes.Equal(p.SenderHardwareAddr, own) {
		return false // our own probe, looped back
	}
	if p.SenderIP == ip {
		return true
	}
	return p.Operation == arp.OperationRequest && p.SenderIP == zeroIPv4 && p.TargetIP == ip
}
