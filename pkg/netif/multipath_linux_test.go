package netif_test

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/netif"
)

// TestLinuxPaths: the kernel's own ECMP default routes, as ip writes them,
// decode into their nexthops in order: a multipath route, and a nexthop
// group both with the compat mode's expansion in the route dump and
// without it (only RTA_NH_ID, resolved through RTM_GETNEXTHOP).
func TestLinuxPaths(t *testing.T) {
	testnet.RequireRoot(t)
	tests := []struct {
		name   string
		compat string // net.ipv4.nexthop_compat_mode
		setup  [][]string
	}{
		{"multipath", "1", [][]string{
			{"route", "add", "default", "nexthop", "via", "10.1.1.2", "dev", "ua", "nexthop", "via", "10.1.2.2", "dev", "ub", "weight", "3"},
		}},
		{"nexthop group, compat mode", "1", [][]string{
			{"nexthop", "add", "id", "1", "via", "10.1.1.2", "dev", "ua"},
			{"nexthop", "add", "id", "2", "via", "10.1.2.2", "dev", "ub"},
			{"nexthop", "add", "id", "10", "group", "1/2,3"},
			{"route", "add", "default", "nhid", "10"},
		}},
		{"nexthop group, no compat mode", "0", [][]string{
			{"nexthop", "add", "id", "1", "via", "10.1.1.2", "dev", "ua"},
			{"nexthop", "add", "id", "2", "via", "10.1.2.2", "dev", "ub"},
			{"nexthop", "add", "id", "10", "group", "1/2,3"},
			{"route", "add", "default", "nhid", "10"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := testnet.New(t)
			node, peer := net.NS("node"), net.NS("peer")
			net.Veth(node, "ua", peer, "pa")
			net.Veth(node, "ub", peer, "pb")
			node.Run(t, "sysctl", "-qw", "net.ipv4.nexthop_compat_mode="+tt.compat)
			node.IP(t, "addr", "add", "10.1.1.1/24", "dev", "ua")
			node.IP(t, "addr", "add", "10.1.2.1/24", "dev", "ub")
			for _, args := range tt.setup {
				node.IP(t, args...)
			}
			node.Do(t, func() {
				h, err := netif.Open()
				if err != nil {
					t.Fatal(err)
				}
				defer h.Close()
				ua, err := h.Link("ua")
				if err != nil {
					t.Fatal(err)
				}
				ub, err := h.Link("ub")
				if err != nil {
					t.Fatal(err)
				}
				routes, err := h.RoutesOf(netip.IPv4Unspecified())
				if err != nil {
					t.Fatal(err)
				}
				r, ok := netif.Default(routes)
				if !ok {
					t.Fatalf("no default route in %+v", routes)
				}
				paths, err := h.Paths(r)
				if err != nil {
					t.Fatal(err)
				}
				want := []netif.Nexthop{
					{LinkIndex: ua.Index, Gateway: netip.MustParseAddr("10.1.1.2"), Weight: 1},
					{LinkIndex: ub.Index, Gateway: netip.MustParseAddr("10.1.2.2"), Weight: 3},
				}
				for i := range paths {
					paths[i].Flags = 0 // onlink and offload flags are the kernel's business
				}
				if !reflect.DeepEqual(paths, want) {
					t.Errorf("paths %+v, want %+v (route %+v)", paths, want, r)
				}
			})
		})
	}
}
