package netif

import (
	"net"
	"strings"
)

// Link is an interface as the agents need it.
type Link struct {
	Index    int
	Name     string
	AltNames []string
	MAC      net.HardwareAddr
	AdminUp  bool // IFF_UP
	// OperDown is true when the kernel reports the link DOWN or
	// LOWERLAYERDOWN (no carrier): traffic to a VIP on it goes nowhere.
	OperDown bool
	Loopback bool
	NoARP    bool
}

// Named reports whether name is the link's name or one of its alternative
// names (ip link property add ... altname).
func (l Link) Named(name string) bool {
	if l.Name == name {
		return true
	}
	for _, a := range l.AltNames {
		if a == name {
			return true
		}
	}
	return false
}

// IsLoopbackName reports whether name is a loopback-style name (lo, lo:x),
// where resource-agents sends no gratuitous ARP.
func IsLoopbackName(name string) bool { return strings.HasPrefix(name, "lo") }
