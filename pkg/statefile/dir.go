package statefile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// ErrUnsafe is returned for a state directory or file that another user
// could tamper with: a directory they own or may write, or a symbolic
// link they could have planted. Keys and records stored there could be
// read, replaced or redirected.
var ErrUnsafe = errors.New("unsafe state directory")

// SafeDir checks that dir is a real directory (not a symbolic link) owned
// by root or by this process's user and writable by nobody else, so that
// no other user can read what is stored there, plant links or replace it.
func SafeDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	unsafe := func(why string, args ...any) error {
		return fmt.Errorf("%w %s: %s", ErrUnsafe, dir, fmt.Sprintf(why, args...))
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

// staleTemp is the age after which a temp file can only be left over from
// a killed writer: a write takes microseconds.
const staleTemp = 10 * time.Second

// CleanTemps removes from dir the temp files of writers that were killed
// between creating and renaming them (Write's, and the older "<name>.tmp"
// form), once they are old enough that no live writer can still own them.
// Errors are ignored: a leftover costs only space.
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

// RemoveTemps removes the temp files that writes of the state file at
// path left behind, whatever their age: for a caller that knows no writer
// of that file is alive (stop: Pacemaker runs no other action of the
// resource meanwhile).
func RemoveTemps(path string) error {
	dir, base := filepath.Split(path)
	temps, _ := filepath.Glob(filepath.Join(dir, "."+base+tmpMarker+"*"))
	var errs []error
	for _, tmp := range temps {
		if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
