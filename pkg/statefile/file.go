package statefile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// tmpMarker names Write's temp files: ".<name>.tmp-<random>".
const tmpMarker = ".tmp-"

// Write replaces path with data so that a reader never sees a
// half-written file, even if the writer is killed by the executor's
// timeout. The data goes to a new 0600 temp file in the same directory,
// created exclusively and never through a symbolic link, then renamed
// over path: a link planted at path is replaced, not followed. (No fsync:
// the files live in a per-boot directory; a killed process, not a power
// loss, is what must leave them whole.)
func Write(path string, data []byte) error {
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

// maxSize bounds what Read reads: state files are records of a few
// hundred bytes.
const maxSize = 64 << 10

// Read returns the contents of the state file at path. It never follows a
// symbolic link, never blocks on a FIFO and reads only regular files of
// at most 64 KiB, so a file planted or garbled in the state directory is
// an error, not a hang. A missing file is os.ErrNotExist.
//
// It reads with plain system calls, not an os.File: opening a file
// without blocking makes os register it with the runtime's poller, whose
// set-up a recurring monitor would pay for every time, for a file of a
// few dozen bytes.
func Read(path string) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err == unix.ELOOP {
		return nil, fmt.Errorf("%s: %w: a symbolic link", path, ErrUnsafe)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	b := make([]byte, 0, min(st.Size, maxSize)+1)
	for len(b) <= maxSize {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := unix.Read(fd, b[len(b):min(cap(b), maxSize+1)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return b, nil
		}
		b = b[:len(b)+n]
	}
	return nil, fmt.Errorf("%s: larger than %d bytes", path, maxSize)
}

// Remove removes the state file at path; one that is already gone is no
// error.
func Remove(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
