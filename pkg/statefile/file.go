package statefile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
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
func Read(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, fmt.Errorf("%s: %w: a symbolic link", path, ErrUnsafe)
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
	b, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxSize)
	}
	return b, nil
}

// Remove removes the state file at path; one that is already gone is no
// error.
func Remove(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
