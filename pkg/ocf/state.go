package ocf

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultStateDir is resource-agents' HA_RSCTMP default, a per-boot
// directory: Pacemaker does not export HA_RSCTMP.
const DefaultStateDir = "/run/resource-agents"

// StateDir returns ${HA_RSCTMP:-/run/resource-agents}, creating it if
// missing. Two simulated nodes on one machine differ in HA_RSCTMP, so all
// node-local state lives below it.
func (c *Context) StateDir() (string, error) {
	dir := c.stateDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating state directory: %w", err)
	}
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

// WriteFileAtomic replaces path with data so that a reader never sees a
// half-written file, even if the agent is killed by the executor's timeout.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ProcAlive reports whether pid exists and is not a zombie. A killed
// detached helper stays a zombie when nothing reaps it (PID 1 in some
// containers never does), and a zombie does no work.
func ProcAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name, which may itself
	// contain spaces and parentheses.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || i+2 >= len(stat) {
		return false
	}
	state := stat[i+2]
	return state != 'Z' && state != 'X'
}

// ProcArgs returns the argv of pid, for checking that a pid read from a
// pidfile still belongs to the process that wrote it.
func ProcArgs(pid int) ([]string, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return nil, err
	}
	b = bytes.TrimRight(b, "\x00")
	if len(b) == 0 {
		return nil, errors.New("no command line")
	}
	return strings.Split(string(b), "\x00"), nil
}

// ReadPidFile returns the pid stored in path, 0 if the file is missing.
func ReadPidFile(path string) (int, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("pidfile %s: %w", path, err)
	}
	return pid, nil
}
