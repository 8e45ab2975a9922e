package testnet

import (
	"encoding/json"
	"strconv"
	"testing"
)

// Addr6 is an IPv6 address of an interface with the states that
// duplicate address detection and lifetimes give it.
type Addr6 struct {
	CIDR       string // "2001:db8::1/64"
	Tentative  bool
	DADFailed  bool
	Deprecated bool
}

// Addrs6 returns the IPv6 addresses of ifName, link-local ones included.
func (ns *NS) Addrs6(t testing.TB, ifName string) []Addr6 {
	t.Helper()
	var links []struct {
		AddrInfo []struct {
			Family     string `json:"family"`
			Local      string `json:"local"`
			PrefixLen  int    `json:"prefixlen"`
			Tentative  bool   `json:"tentative"`
			DADFailed  bool   `json:"dadfailed"`
			Deprecated bool   `json:"deprecated"`
		} `json:"addr_info"`
	}
	if err := json.Unmarshal([]byte(ns.IP(t, "-j", "-6", "addr", "show", "dev", ifName)), &links); err != nil || len(links) != 1 {
		t.Fatalf("ip -j -6 addr show dev %s in %s: %v", ifName, ns.Name, err)
	}
	var out []Addr6
	for _, a := range links[0].AddrInfo {
		if a.Family == "inet6" {
			out = append(out, Addr6{CIDR: a.Local + "/" + strconv.Itoa(a.PrefixLen), Tentative: a.Tentative,
				DADFailed: a.DADFailed, Deprecated: a.Deprecated})
		}
	}
	return out
}

// Addr6 returns ifName's IPv6 address cidr, if configured.
func (ns *NS) Addr6(t testing.TB, ifName, cidr string) (Addr6, bool) {
	t.Helper()
	for _, a := range ns.Addrs6(t, ifName) {
		if a.CIDR == cidr {
			return a, true
		}
	}
	return Addr6{}, false
}

// NoDAD turns duplicate address detection off for the interfaces created
// in ns from now on, so their link-local addresses are usable at once (a
// tentative address cannot be bound, e.g. as a RIPng source).
func (ns *NS) NoDAD(t testing.TB) {
	t.Helper()
	ns.Run(t, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0")
}
