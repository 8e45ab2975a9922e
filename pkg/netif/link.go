package netif

import (
	"errors"
	"net"
	"strings"
)

// ErrNoLink is returned when an interface does not exist.
var ErrNoLink = errors.New("no such interface")

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

// IsLoopbackName reports whether name is a loopback-style name (lo, lo:x),
// where resource-agents sends no gratuitous ARP.
func IsLoopbackName(name string) bool { return strings.HasPrefix(name, "lo") }
