package main

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"

	"github.com/ocfnet/ocfnet/pkg/announce"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"github.com/ocfnet/ocfnet/pkg/statefile"
)

// registryName is the registry's directory in HA_RSCTMP.
const registryName = "ocfnet-VIPArip"

// clock is replaced in unit tests.
var clock announce.Clock = announce.SystemClock{}

// registry is the node's announcement registry for the actions that write
// it (start, the announcer): created if missing, and refused when another
// user could tamper with it or with HA_RSCTMP.
func registry(c *ocf.Context) (announce.Registry, error) {
	dir, err := c.StatePath(registryName)
	if err != nil {
		return announce.Registry{}, err
	}
	reg := announce.Registry{Dir: dir}
	return reg, reg.Create()
}

// foundRegistry is the registry as monitor and stop find it, creating
// nothing. The error says why it cannot be used: absent (see absent), or
// a directory, or an HA_RSCTMP, that another user could have tampered
// with, whose contents must not tell an action what to do.
func foundRegistry(c *ocf.Context) (announce.Registry, error) {
	reg := announce.Registry{Dir: c.StateFile(registryName)}
	if err := statefile.SafeDir(reg.Dir); err != nil {
		return reg, err
	}
	return reg, statefile.SafeDir(filepath.Dir(reg.Dir))
}

// absent reports a registry that does not exist: nothing was ever
// registered on this node since it booted (or HA_RSCTMP is not even a
// directory).
func absent(err error) bool {
	return errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
