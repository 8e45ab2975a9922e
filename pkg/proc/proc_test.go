package proc

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSelf(t *testing.T) {
	self := os.Getpid()
	if !Alive(self) {
		t.Errorf("Alive(self) = false")
	}
	for _, pid := range []int{0, -1, 1 << 30} {
		if Alive(pid) {
			t.Errorf("Alive(%d) = true", pid)
		}
	}
	args, err := Args(self)
	if err != nil || !slices.Equal(args, os.Args) {
		t.Errorf("Args(self) = %q, %v; want %q", args, err, os.Args)
	}
	if _, err := Args(1 << 30); err == nil {
		t.Errorf("Args of no process: no error")
	}
	if got, want := Env(self, "PATH"), os.Getenv("PATH"); got != want {
		t.Errorf("Env(self, PATH) = %q, want %q", got, want)
	}
	if got := Env(self, "OCFNET_SURELY_UNSET"); got != "" {
		t.Errorf("Env of an unset name = %q", got)
	}
	if !slices.Contains(Pids(), self) {
		t.Errorf("Pids lacks self")
	}
	if _, err := OwnNetNS(); err != nil {
		t.Errorf("OwnNetNS: %v", err)
	}
}

// TestReadSmall: files longer than one read come back whole.
func TestReadSmall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "long")
	want := strings.Repeat("0123456789", 1000)
	if err := os.WriteFile(path, []byte(want), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readSmall(path)
	if err != nil || string(got) != want {
		t.Errorf("readSmall: %d bytes, %v; want %d", len(got), err, len(want))
	}
	if _, err := readSmall(filepath.Join(t.TempDir(), "none")); !os.IsNotExist(err) {
		t.Errorf("readSmall of a missing file: %v", err)
	}
}
