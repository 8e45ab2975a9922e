package announce

import (
	"errors"
	"os"
	"syscall"
	"testing"
)

// lockedByOther reports whether another holder has the lock file at path
// locked now (a non-blocking attempt fails).
func lockedByOther(t *testing.T, path string) bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err != nil && !errors.Is(err, syscall.EWOULDBLOCK) {
		t.Fatal(err)
	}
	return err != nil
}

// TestLockVIP: the lock excludes; a stop's Remove hands it to a waiter on
// the new file, which excludes in turn; nothing is left after Remove.
func TestLockVIP(t *testing.T) {
	reg := Registry{Dir: t.TempDir()}
	vip := entry(1).VIP
	path := reg.path(vip, lockSuffix)
	first, err := reg.LockVIP(vip)
	if err != nil {
		t.Fatal(err)
	}
	if !lockedByOther(t, path) {
		t.Fatal("the VIP's lock is not held")
	}
	other, err := reg.LockVIP(entry(2).VIP)
	if err != nil {
		t.Fatal(err)
	}
	other.Remove() // another VIP's lock is independent

	got := make(chan *VIPLock)
	go func() {
		l, err := reg.LockVIP(vip)
		if err != nil {
			t.Error(err)
		}
		got <- l
	}()
	first.Remove() // as stop does
	second := <-got
	if second == nil {
		t.FailNow()
	}
	if !lockedByOther(t, path) {
		t.Fatal("the waiter holds a removed file's lock, not the current one's")
	}
	second.Remove()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left after Remove: %v", err)
	}
}
