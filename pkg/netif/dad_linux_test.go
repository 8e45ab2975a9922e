package netif_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/netif"
)

// TestLinuxAwaitDAD adds an IPv6 address on a veth whose peer is up (the
// kernel's detection ends and the address becomes usable) and on one
// whose peer is down (no carrier: the address stays tentative, so the
// wait ends at its deadline and says how long it waited).
func TestLinuxAwaitDAD(t *testing.T) {
	testnet.RequireRoot(t)
	tests := []struct {
		name     string
		peerUp   bool
		deadline time.Duration
		wantErr  error
	}{
		{"detection ends", true, 10 * time.Second, nil},
		{"no carrier: still tentative at the deadline", false, 300 * time.Millisecond, netif.ErrDADTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := testnet.New(t)
			node, peer := net.NS("node"), net.NS("peer")
			net.Veth(node, "eth0", peer, "eth0")
			if !tt.peerUp {
				peer.IP(t, "link", "set", "eth0", "down")
			}
			p := netip.MustParsePrefix("2001:db8:70::5/64")
			node.Do(t, func() {
				h, err := netif.Open()
				if err != nil {
					t.Fatal(err)
				}
				defer h.Close()
				link, err := h.Link("eth0")
				if err != nil {
					t.Fatal(err)
				}
				ev, err := netif.SubscribeAddrs(p.Addr())
				if err != nil {
					t.Fatal(err)
				}
				defer ev.Close()
				if err := h.AddAddr(link, netif.Addr{Prefix: p, LinkIndex: link.Index}); err != nil {
					t.Fatal(err)
				}
				began := time.Now()
				err = h.AwaitDAD(ev, p, link.Index, began.Add(tt.deadline))
				took := time.Since(began)
				if !errors.Is(err, tt.wantErr) && !(tt.wantErr == nil && err == nil) {
					t.Fatalf("AwaitDAD: %v, want %v", err, tt.wantErr)
				}
				if tt.wantErr == nil {
					t.Logf("detection took %v", took)
					return
				}
				if took < tt.deadline-10*time.Millisecond { // the socket timeout is in jiffies
					t.Errorf("AwaitDAD gave up after %v, before its deadline %v", took, tt.deadline)
				}
				_, said, _ := strings.Cut(err.Error(), "within ")
				if waited, perr := time.ParseDuration(said); perr != nil || waited < tt.deadline-10*time.Millisecond || waited > took+time.Millisecond {
					t.Errorf("AwaitDAD: %q does not say it waited %v (%v)", err, took.Round(time.Millisecond), perr)
				}
			})
		})
	}
}
