package statefile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestSafeDir(t *testing.T) {
	root := t.TempDir()
	mk := func(name string, mode os.FileMode) string {
		p := filepath.Join(root, name)
		if err := os.Mkdir(p, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // umask
			t.Fatal(err)
		}
		return p
	}
	good := mk("good", 0o755)
	link := filepath.Join(root, "link")
	if err := os.Symlink(good, link); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		dir    string
		unsafe bool
	}{
		{"0755 owned by us", good, false},
		{"0700", mk("private", 0o700), false},
		{"world-writable", mk("world", 0o777), true},
		{"sticky world-writable like /tmp", mk("sticky", 0o1777), true},
		{"group-writable", mk("group", 0o775), true},
		{"symbolic link to a good directory", link, true},
		{"a file", file, true},
	}
	if os.Geteuid() == 0 {
		other := mk("other", 0o755)
		if err := os.Chown(other, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct {
			name   string
			dir    string
			unsafe bool
		}{"owned by nobody", other, true})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := SafeDir(tt.dir)
			if got := errors.Is(err, ErrUnsafe); got != tt.unsafe {
				t.Fatalf("SafeDir(%s) = %v, want unsafe=%v", tt.dir, err, tt.unsafe)
			}
		})
	}
	if err := SafeDir(filepath.Join(root, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing directory: %v, want ErrNotExist", err)
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "record")
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("the write followed a planted link: victim holds %q", b)
	}
	fi, err := os.Lstat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Fatalf("record: %v %v, want a regular 0600 file", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("record holds %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	if err := os.WriteFile(good, []byte("42\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(good, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, maxSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		want       string // "" means an error
		missing    bool
	}{
		{name: "regular file", path: good, want: "42\n"},
		{name: "symbolic link", path: link},
		{name: "FIFO without writer", path: fifo},
		{name: "character device", path: "/dev/zero"},
		{name: "too large", path: big},
		{name: "directory", path: dir},
		{name: "missing", path: filepath.Join(dir, "none"), missing: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Read(tt.path)
			switch {
			case tt.missing:
				if !errors.Is(err, os.ErrNotExist) {
					t.Errorf("got %q, %v; want ErrNotExist", b, err)
				}
			case tt.want == "":
				if err == nil {
					t.Errorf("read %d bytes, want an error", len(b))
				}
			case err != nil || string(b) != tt.want:
				t.Errorf("got %q, %v; want %q", b, err, tt.want)
			}
		})
	}
	if pid, err := ReadPid(link); err == nil {
		t.Errorf("ReadPid followed a link: pid %d", pid)
	}
}

func TestCleanTemps(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Minute)
	files := []struct {
		name  string
		stale bool // old enough
		gone  bool // removed by CleanTemps
	}{
		{".record.tmp-0a1b2c", true, true},
		{"192.0.2.1.route.tmp", true, true},
		{".record.tmp-ffffff", false, false}, // a writer may still own it
		{"record", true, false},
		{".hidden", true, false},
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if f.stale {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	CleanTemps(dir)
	for _, f := range files {
		_, err := os.Stat(filepath.Join(dir, f.name))
		if gone := errors.Is(err, os.ErrNotExist); gone != f.gone {
			t.Errorf("%s: removed=%v, want %v", f.name, gone, f.gone)
		}
	}
}
