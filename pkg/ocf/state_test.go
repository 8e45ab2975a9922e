package ocf

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ocfnet/ocfnet/pkg/statefile"
)

func TestStateDirRefusesUnsafe(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rsctmp")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	c := &Context{Env: MapEnv{"HA_RSCTMP": dir}}
	if _, err := c.StatePath("x"); !errors.Is(err, statefile.ErrUnsafe) {
		t.Errorf("StatePath in a world-writable HA_RSCTMP: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x"), []byte("planted"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadState("x"); !errors.Is(err, statefile.ErrUnsafe) {
		t.Errorf("ReadState in a world-writable HA_RSCTMP: %v", err)
	}
	fresh := &Context{Env: MapEnv{"HA_RSCTMP": filepath.Join(t.TempDir(), "a", "b")}}
	d, err := fresh.StateDir()
	if err != nil {
		t.Fatalf("creating a missing HA_RSCTMP: %v", err)
	}
	if fi, err := os.Stat(d); err != nil || fi.Mode().Perm()&0o022 != 0 {
		t.Errorf("created %s: %v %v", d, fi.Mode(), err)
	}
	if _, err := fresh.ReadState("none"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadState of a missing file: %v", err)
	}
	gone := &Context{Env: MapEnv{"HA_RSCTMP": filepath.Join(t.TempDir(), "never")}}
	if _, err := gone.ReadState("none"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadState in a missing HA_RSCTMP: %v", err)
	}
}
