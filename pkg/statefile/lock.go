package statefile

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// ErrLocked is TryLock's answer when another process holds the lock.
var ErrLocked = errors.New("locked by another process")

// Lock is an exclusive flock on a lock file in the state directory.
// Whoever ends the thing a lock protects removes the file while holding
// the lock (Remove): a process that was waiting for it then holds a lock
// on a file nobody else can see, so taking a lock always checks that the
// file locked is still the one at its path.
type Lock struct {
	fd   int
	path string
}

// LockOptions says how a lock file is taken.
type LockOptions struct {
	// Create creates the file (0600) if missing. Without it a missing
	// file, or one removed while waiting for it, is os.ErrNotExist:
	// whoever removed it ended what the lock protects.
	Create bool
	// NoWait answers ErrLocked at once instead of waiting for the holder.
	NoWait bool
}

// TakeLock locks the lock file at path exclusively. A read-only
// descriptor is enough for flock, so a lock file that exists can be taken
// on a file system remounted read-only.
func TakeLock(path string, o LockOptions) (*Lock, error) {
	op := unix.LOCK_EX
	if o.NoWait {
		op |= unix.LOCK_NB
	}
	for {
		fd, err := open(path, o.Create)
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		for {
			if err = unix.Flock(fd, op); err != unix.EINTR {
				break
			}
		}
		if err != nil {
			unix.Close(fd)
			if err == unix.EWOULDBLOCK {
				return nil, fmt.Errorf("lock %s: %w", path, ErrLocked)
			}
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if current(fd, path) {
			return &Lock{fd: fd, path: path}, nil
		}
		unix.Close(fd)
		if !o.Create {
			return nil, fmt.Errorf("lock %s: %w", path, os.ErrNotExist)
		}
	}
}

// open opens path for flock, never through a symbolic link, creating it
// when create is set and the directory allows it.
func open(path string, create bool) (int, error) {
	flags := unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	if !create {
		return unix.Open(path, flags, 0)
	}
	fd, err := unix.Open(path, flags|unix.O_CREAT, 0o600)
	if err != nil {
		// A read-only directory: the file may exist all the same.
		if fd2, err2 := unix.Open(path, flags, 0); err2 == nil {
			return fd2, nil
		}
	}
	return fd, err
}

// current reports whether fd is still the file at path.
func current(fd int, path string) bool {
	var held, named unix.Stat_t
	if unix.Fstat(fd, &held) != nil || unix.Lstat(path, &named) != nil {
		return false
	}
	return held.Dev == named.Dev && held.Ino == named.Ino
}

// Release gives the lock up and leaves its file for the next holder.
func (l *Lock) Release() { unix.Close(l.fd) }

// Remove deletes the lock file, then releases the lock: waiters notice
// the removal (those that may create it lock afresh, the others get
// os.ErrNotExist).
func (l *Lock) Remove() error {
	err := Remove(l.path)
	l.Release()
	return err
}
