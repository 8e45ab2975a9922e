package statefile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadJSON(t *testing.T) {
	type rec struct {
		Bits int `json:"bits"`
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		path    string
		found   bool
		wantErr bool
		want    int
	}{
		{"a record", write("good", `{"bits":24}`), true, false, 24},
		{"missing", filepath.Join(dir, "none"), false, false, 0},
		{"under a file, not a directory", filepath.Join(dir, "good", "x"), false, false, 0},
		{"an unknown field", write("unknown", `{"bits":24,"extra":1}`), true, true, 0},
		{"a second value", write("two", `{"bits":24}{"bits":25}`), true, true, 0},
		{"garbled", write("garbled", `{"bits":`), true, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r rec
			found, err := ReadJSON(tt.path, &r)
			if found != tt.found || (err != nil) != tt.wantErr {
				t.Fatalf("ReadJSON = %v, %v; want found %v, error %v", found, err, tt.found, tt.wantErr)
			}
			if !tt.wantErr && r.Bits != tt.want {
				t.Errorf("bits = %d, want %d", r.Bits, tt.want)
			}
		})
	}
}

func TestWriteJSONRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "rec")
	in := map[string]int{"bits": 24}
	if err := WriteJSON(p, in); err != nil {
		t.Fatal(err)
	}
	var out map[string]int
	if found, err := ReadJSON(p, &out); !found || err != nil || out["bits"] != 24 {
		t.Fatalf("read back %v, %v, %v", out, found, err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want 0600", fi.Mode(), err)
	}
}

func TestPidFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.pid")
	if pid, err := ReadPid(p); pid != 0 || err != nil {
		t.Errorf("missing pid file: %d, %v; want 0, nil", pid, err)
	}
	if err := WritePid(p, 4242); err != nil {
		t.Fatal(err)
	}
	if pid, err := ReadPid(p); pid != 4242 || err != nil {
		t.Errorf("ReadPid = %d, %v; want 4242", pid, err)
	}
	for _, bad := range []string{"", "x\n", "-1\n", "0\n"} {
		if err := os.WriteFile(p, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if pid, err := ReadPid(p); err == nil {
			t.Errorf("ReadPid(%q) = %d, want an error", bad, pid)
		}
	}
}
