package ocf

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DefaultStateDir is resource-agents' HA_RSCTMP default, a per-boot
// directory: Pacemaker does not export HA_RSCTMP.
const DefaultStateDir = "/run/resource-agents"

// ErrUnsafeStateDir is returned for a state directory that another user
// could tamper with: one they own or may write, or a symbolic link they
// could have planted. Keys and records written there could be read,
// replaced or redirected.
var ErrUnsafeStateDir = errors.New("unsafe state directory")

// StateDir returns ${HA_RSCTMP:-/run/resource-agents}, creating it if
// missing and refusing it unless SafeDir accepts it. It is for actions
// that write state; it also removes temp files a killed writer left
// behind. Two simulated nodes on one machine differ in HA_RSCTMP, so all
// node-local state lives below it.
func (c *Context) StateDir() (string, error) {
	dir := c.stateDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating state directory: %w", err)
	}
	if err := SafeDir(dir); err != nil {
		return "", err
	}
	CleanTemps(dir)
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
// A state directory that SafeDir refuses is read as empty (with an error
// wrapping ErrUnsafeStateDir): what another user could have planted there
// must never tell an action what to remove or whom to signal.
func (c *Context) ReadState(name string) ([]byte, error) {
	if err := SafeDir(c.stateDir()); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, os.ErrNotExist
		}
		return nil, err
	}
	return ReadStateFile(c.StateFile(name))
}

// SafeDir checks that dir is a real directory (not a symbolic link) owned
// by root or by this process's user and writable by nobody else, so that
// no other user can read what is stored there, plant links or replace it.
func SafeDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	unsafe := func(why string, args ...any) error {
		return fmt.Errorf("%w %s: %s", ErrUnsafeStateDir, dir, fmt.Sprintf(why, args...))
	}
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		return unsafe("a symbolic link")
	case !fi.IsDir():
		return unsafe("not a directory")
	case fi.Mode().Perm()&0o022 != 0:
		return unsafe("writable by group or others (mode %04o)", fi.Mode().Perm())
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 && int(st.Uid) != os.Geteuid() {
		return unsafe("owned by uid %d", st.Uid)
	}
	return nil
}

// tmpMarker names WriteFileAtomic's temp files: ".<name>.tmp-<random>".
const tmpMarker = ".tmp-"

// WriteFileAtomic replaces path with data so that a reader never sees a
// half-written file, even if the writer is killed by the executor's
// timeout. The data goes to a new 0600 temp file in the same directory,
// created exclusively and never through a symbolic link, then renamed
// over path: a link planted at path is replaced, not followed. (No fsync:
// the files live in a per-boot directory; a killed process, not a power
// loss, is what must leave them whole.)
func WriteFileAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	var f *os.File
	var err error
	for range 5 {
		f, err = os.OpenFile(filepath.Join(dir, "."+base+tmpMarker+randomSuffix()),
			os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
		if !errors.Is(err, os.ErrExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// staleTemp is the age after which a temp file can only be left over from
// a killed writer: a write takes microseconds.
const staleTemp = 10 * time.Second

// CleanTemps removes from dir the temp files of writers that were killed
// between creating and renaming them (WriteFileAtomic's, and the older
// "<name>.tmp" form), once they are old enough that no live writer can
// still own them. Errors are ignored: a leftover costs only space.
func CleanTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !isTemp(name) || !e.Type().IsRegular() {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleTemp {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

func isTemp(name string) bool {
	return (strings.HasPrefix(name, ".") && strings.Contains(name, tmpMarker)) || strings.HasSuffix(name, ".tmp")
}

// maxStateFile bounds what ReadStateFile reads: state files are records
// of a few hundred bytes.
const maxStateFile = 64 << 10

// ReadStateFile returns the contents of the state file at path. It never
// follows a symbolic link, never blocks on a FIFO and reads only regular
// files of at most 64 KiB, so a file planted or garbled in the state
// directory is an error, not a hang. A missing file is os.ErrNotExist.
func ReadStateFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, fmt.Errorf("%s: %w: a symbolic link", path, ErrUnsafeStateDir)
		}
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxStateFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxStateFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxStateFile)
	}
	return b, nil
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
	b, err := ReadStateFile(path)
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
