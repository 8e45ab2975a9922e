//go:build !linux

package netif

import (
	"fmt"
	"runtime"
)

// errUnsupported is what Open answers where there is no rtnetlink.
var errUnsupported = fmt.Errorf("netif: rtnetlink is not available on %s", runtime.GOOS)

// Host is the rtnetlink view of a network namespace; only Linux has one.
type Host struct{}

// Open always fails: there is no rtnetlink on this system.
func Open() (*Host, error) { return nil, errUnsupported }

// Close does nothing.
func (h *Host) Close() {}
