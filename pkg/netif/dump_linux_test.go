package netif_test

import (
	"net/netip"
	"testing"

	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/netif"
)

// TestLinuxLargeDumps: a dump far larger than the socket's first receive
// buffer (8 KiB: the kernel then builds its answer in many datagrams)
// arrives whole.
func TestLinuxLargeDumps(t *testing.T) {
	testnet.RequireRoot(t)
	const n = 600 // about 60 bytes each: several 8 KiB datagrams
	net := testnet.New(t)
	node := net.NS("node")
	node.Do(t, func() {
		h, err := netif.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		lo, err := h.Link("lo")
		if err != nil {
			t.Fatal(err)
		}
		want := map[netip.Addr]bool{}
		for i := range n {
			a := netip.AddrFrom4([4]byte{10, 77, byte(i / 250), byte(1 + i%250)})
			want[a] = true
			if err := h.AddAddr(lo, netif.Addr{Prefix: netip.PrefixFrom(a, 32), LinkIndex: lo.Index}); err != nil {
				t.Fatalf("adding %s: %v", a, err)
			}
		}
		addrs, err := h.AddrsOf(netip.MustParseAddr("10.77.0.1"))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range addrs {
			delete(want, a.Prefix.Addr())
		}
		if len(want) != 0 {
			t.Errorf("%d of %d addresses missing from a dump of %d", len(want), n, len(addrs))
		}
	})
}
