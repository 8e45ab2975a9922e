package announce

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/pkg/rip"
)

// TestAnnouncerGarbage: an unusable entry file is reported, never
// announced, and removed after garbageAfter; then the announcer, with
// nothing left, ends. The other routes are refreshed throughout.
func TestAnnouncerGarbage(t *testing.T) {
	tests := []struct {
		name  string
		plant func(dir string) error
	}{
		{"unparsable", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "192.168.13.9.route"), []byte("{garbage"), 0o600)
		}},
		{"another VIP's entry", func(dir string) error {
			b, _ := os.ReadFile(filepath.Join(dir, "192.168.13.1.route"))
			return os.WriteFile(filepath.Join(dir, "192.168.13.9.route"), b, 0o600)
		}},
		{"not named after a VIP", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "vip.route"), []byte("{}"), 0o600)
		}},
		{"a directory", func(dir string) error { return os.Mkdir(filepath.Join(dir, "192.168.13.9.route"), 0o700) }},
		{"a symbolic link", func(dir string) error {
			return os.Symlink("192.168.13.1.route", filepath.Join(dir, "192.168.13.9.route"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, rec, clk := setup(t, entry(1))
			var logged []string
			a.Logf = func(f string, args ...any) { logged = append(logged, f) }
			if err := tt.plant(a.Registry.Dir); err != nil {
				t.Fatal(err)
			}
			_, n, err := a.Cycle()
			if n != 2 || err != nil || len(logged) != 1 {
				t.Fatalf("first cycle: %d left, %v, logged %q; want 2 (the route and the file), no error, one line", n, err, logged)
			}
			if m := metrics(rec.take()); len(m) != 1 || m[entry(1).VIP] == 0 {
				t.Fatalf("announced %v, want only %v", m, entry(1).VIP)
			}
			clk.advance(garbageAfter - time.Second)
			if n := cycle(t, a); n != 2 {
				t.Fatalf("before garbageAfter: %d left, want 2", n)
			}
			clk.advance(time.Second)
			if n := cycle(t, a); n != 1 {
				t.Fatalf("after garbageAfter: %d left, want 1", n)
			}
			left, _ := os.ReadDir(a.Registry.Dir)
			for _, f := range left {
				if f.Name() != "192.168.13.1.route" && strings.HasSuffix(f.Name(), ".route") {
					t.Errorf("%s is still there", f.Name())
				}
			}
			unlock, _ := a.Registry.Lock()
			a.Registry.Delete(entry(1).VIP)
			unlock()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := a.Run(ctx); err != nil {
				t.Errorf("Run with only the removed garbage left: %v, want it to end", err)
			}
		})
	}
}

// TestAnnouncerOrphans: the entry of a VIP the node no longer holds is
// poisoned and unregistered in the cycle that finds it, never refreshed;
// the other routes go on.
func TestAnnouncerOrphans(t *testing.T) {
	e1, e2 := entry(1), entry(2)
	e1.PoisonCount, e2.PoisonCount = 3, 3
	a, rec, clk := setup(t, e1, e2)
	held := map[netip.Addr]bool{entry(1).VIP: true, entry(2).VIP: true}
	a.Held = func() (map[netip.Addr]bool, error) { return held, nil }
	cycle(t, a)
	rec.take()
	clk.advance(10 * time.Second)
	delete(held, entry(2).VIP)
	if n := cycle(t, a); n != 1 {
		t.Fatalf("%d routes left, want 1", n)
	}
	if m := metrics(rec.take()); m[entry(2).VIP] != rip.Infinity || m[entry(1).VIP] == rip.Infinity {
		t.Errorf("announced %v, want %v poisoned (16), %v not", m, entry(2).VIP, entry(1).VIP)
	}
	if e, err := a.Registry.Get(entry(2).VIP); e != nil || err != nil {
		t.Errorf("%v still registered (%v)", entry(2).VIP, err)
	}
	for range 40 {
		clk.advance(time.Second)
		cycle(t, a)
	}
	for _, d := range rec.take() {
		for _, r := range d.parsed.Routes {
			if r.Prefix.Addr() != entry(1).VIP {
				t.Fatalf("%v announced after its withdrawal", r.Prefix)
			}
		}
	}
}

// TestAnnouncerOrphanStuck: an orphan that cannot be unregistered (here
// its send stamp is a non-empty directory, as good as a read-only
// registry) is never announced, poisoned again once an interval, and
// does not keep the announcer alive.
func TestAnnouncerOrphanStuck(t *testing.T) {
	e := entry(1)
	e.PoisonCount = 3
	a, rec, clk := setup(t, e)
	a.Held = func() (map[netip.Addr]bool, error) { return nil, nil }
	stuck := filepath.Join(a.Registry.Dir, "192.168.13.1.sent")
	if err := os.MkdirAll(filepath.Join(stuck, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	poisons := 0
	for i := range 61 {
		_, n, err := a.Cycle()
		if n != 0 || (err != nil) != (i%30 == 0) {
			t.Fatalf("second %d: %d left, error %v; want 0 left, an error only when poisoning again", i, n, err)
		}
		for vip, m := range metrics(rec.take()) {
			if m != rip.Infinity {
				t.Fatalf("second %d: %v announced with metric %d", i, vip, m)
			}
			poisons++
		}
		clk.advance(time.Second)
	}
	if poisons != 3 {
		t.Errorf("%d poisons in 61 s at a 30 s interval, want 3", poisons)
	}
}

// TestAnnouncerCleansTemps: a temp file that a killed writer left is
// removed once stale; a fresh one (a write in progress) is kept.
func TestAnnouncerCleansTemps(t *testing.T) {
	a, _, _ := setup(t, entry(1))
	stale := filepath.Join(a.Registry.Dir, ".192.168.13.1.sent.tmp-0123456789ab")
	fresh := filepath.Join(a.Registry.Dir, ".192.168.13.1.route.tmp-ba9876543210")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("1"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	cycle(t, a)
	if _, err := os.Stat(stale); err == nil {
		t.Error("the stale temp file is still there")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("the fresh temp file was removed: %v", err)
	}
}

// TestDeleteLeavesNothing: Delete removes the entry, its send stamp and
// their temp files, and nothing of another VIP whose name extends it.
func TestDeleteLeavesNothing(t *testing.T) {
	a, _, _ := setup(t, entry(1), entry(12))
	cycle(t, a)
	for _, name := range []string{".192.168.13.1.route.tmp-aaaaaaaaaaaa", ".192.168.13.12.sent.tmp-bbbbbbbbbbbb"} {
		os.WriteFile(filepath.Join(a.Registry.Dir, name), nil, 0o600)
	}
	if got := a.Registry.Files(entry(1).VIP); len(got) != 3 {
		t.Fatalf("files of %v: %v, want its entry, its stamp and its temp file", entry(1).VIP, got)
	}
	unlock, _ := a.Registry.Lock()
	err := a.Registry.Delete(entry(1).VIP)
	unlock()
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Registry.Files(entry(1).VIP); len(got) != 0 {
		t.Errorf("left of %v: %v", entry(1).VIP, got)
	}
	if got := a.Registry.Files(entry(12).VIP); len(got) != 3 {
		t.Errorf("files of %v: %v, want all three kept", entry(12).VIP, got)
	}
}
