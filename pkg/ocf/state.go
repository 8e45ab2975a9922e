package ocf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ocfnet/ocfnet/pkg/statefile"
)

// DefaultStateDir is resource-agents' HA_RSCTMP default, a per-boot
// directory: Pacemaker does not export HA_RSCTMP.
const DefaultStateDir = "/run/resource-agents"

// StateDir returns ${HA_RSCTMP:-/run/resource-agents}, creating it if
// missing and refusing it unless statefile.SafeDir accepts it. It is for
// actions that write state; it also removes temp files a killed writer
// left behind. Two simulated nodes on one machine differ in HA_RSCTMP, so
// all node-local state lives below it.
func (c *Context) StateDir() (string, error) {
	dir := c.stateDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating state directory: %w", err)
	}
	if err := statefile.SafeDir(dir); err != nil {
		return "", err
	}
	statefile.CleanTemps(dir)
	return dir, nil
}

func (c *Context) stateDir() string {
	if dir := c.Env.Get("HA_RSCTMP"); dir != "" {
		return dir
	}
	return DefaultStateDir
}

// StateFile returns the path of state file name without creating
// anything: for reading, so that an action that finds nothing changes
// nothing.
func (c *Context) StateFile(name string) string { return filepath.Join(c.stateDir(), name) }

// StatePath returns the path of a state file named name in StateDir,
// creating the directory: for writing.
func (c *Context) StatePath(name string) (string, error) {
	dir, err := c.StateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, name), nil
}

// ReadState returns the contents of state file name, or os.ErrNotExist.
// A state directory that statefile.SafeDir refuses is read as empty (with
// an error wrapping statefile.ErrUnsafe): what another user could have
// planted there must never tell an action what to remove or whom to
// signal.
func (c *Context) ReadState(name string) ([]byte, error) {
	if err := c.checkStateDir(); err != nil {
		return nil, err
	}
	return statefile.Read(c.StateFile(name))
}

func (c *Context) checkStateDir() error {
	if err := statefile.SafeDir(c.stateDir()); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return os.ErrNotExist
		}
		return err
	}
	return nil
}
