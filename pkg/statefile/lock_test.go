package statefile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLock(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.lock")
	if _, err := TakeLock(p, LockOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a missing lock without Create: %v, want ErrNotExist", err)
	}
	l, err := TakeLock(p, LockOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("lock file mode %v, %v; want 0600", fi.Mode(), err)
	}
	// flock locks belong to the open file description: a second open,
	// even in this process, contends like another process would.
	if _, err := TakeLock(p, LockOptions{NoWait: true}); !errors.Is(err, ErrLocked) {
		t.Errorf("a held lock with NoWait: %v, want ErrLocked", err)
	}
	l.Release()
	l2, err := TakeLock(p, LockOptions{NoWait: true})
	if err != nil {
		t.Fatalf("a released lock: %v", err)
	}
	if err := l2.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Remove left the lock file: %v", err)
	}
	if _, err := TakeLock(p, LockOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a removed lock without Create: %v, want ErrNotExist", err)
	}
}

func TestLockRefusesLink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "x.lock")
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
	if l, err := TakeLock(p, LockOptions{Create: true}); err == nil {
		l.Release()
		t.Error("locked through a symbolic link")
	}
}
