package main

import (
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/agenttest"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"github.com/ocfnet/ocfnet/pkg/rip"
)

// configOf runs parseConfig as an action of the real agent and returns
// what it built, with the action's code and stderr.
func configOf(t *testing.T, e ocf.MapEnv) (config, ocf.Code, string) {
	t.Helper()
	a := Agent()
	var cfg config
	a.Actions = append(a.Actions, ocf.Action{Name: "parse-config", Hidden: true, Run: ocf.Do(func(c *ocf.Context) error {
		var err error
		cfg, err = parseConfig(c)
		return err
	})})
	code, _, stderr := agenttest.Run(a, "parse-config", e)
	return cfg, ocf.Code(code), stderr
}

// signed is a datagram announcing one route, signed with cfg's key.
func signed(t *testing.T, cfg config) []byte {
	t.Helper()
	m := &rip.Message{Command: rip.Response, Version: 2, Routes: []rip.Route{
		{Prefix: netip.MustParsePrefix("192.168.13.229/32"), Metric: 1},
	}}
	b, err := cfg.auth.RIPKey().Marshal(m, 7)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestKeySameEitherWay: auth_key and auth_key_file follow one rule (white
// space around the key is not part of it), so one key signs alike given
// either way, whatever blanks or line ending surround it.
func TestKeySameEitherWay(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, param, file string
	}{
		{"plain", "s3cret", "s3cret\n"},
		{"no newline", "s3cret", "s3cret"},
		{"CR LF", "s3cret", "s3cret\r\n"},
		{"blanks in the file", "s3cret", "  s3cret \t\nsecond line\n"},
		{"blanks in the parameter", " s3cret ", "s3cret\n"},
		{"blanks inside are kept", "s3 cret", "s3 cret \n"},
	}
	for _, mode := range []string{"simple", "md5", "hmac-sha256"} {
		for i, tt := range tests {
			t.Run(mode+" "+tt.name, func(t *testing.T) {
				path := filepath.Join(dir, mode+string(rune('a'+i)))
				if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
					t.Fatal(err)
				}
				base := []string{"ip=" + vip, "auth_mode=" + mode, "OCF_CHECK_LEVEL=0"}
				fromParam, code, stderr := configOf(t, env(append(base, "auth_key="+tt.param)...))
				if code != ocf.Success {
					t.Fatalf("auth_key: %v %s", code, stderr)
				}
				fromFile, code, stderr := configOf(t, env(append(base, "auth_key_file="+path)...))
				if code != ocf.Success {
					t.Fatalf("auth_key_file: %v %s", code, stderr)
				}
				if a, b := signed(t, fromParam), signed(t, fromFile); !bytes.Equal(a, b) {
					t.Errorf("auth_key %q and a file holding %q sign differently", tt.param, tt.file)
				}
			})
		}
	}
}

// TestKeyFile: auth_key_file is one bounded line of a regular file; every
// other file is refused at once with one exit reason, and never opened
// when it is a device or a FIFO.
func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte, mode os.FileMode) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		// WriteFile's mode goes through the umask.
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	link := func(name, target string) string {
		path := filepath.Join(dir, name)
		if err := os.Symlink(target, path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good", []byte("s3cret\n"), 0o600)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := write("big", bytes.Repeat([]byte("k"), 10<<20), 0o600)
	bigWithKey := write("big-with-key", append([]byte("s3cret\n"), bytes.Repeat([]byte("x"), 10<<20)...), 0o600)
	atLimit := write("at-limit", append(bytes.Repeat([]byte("k"), 1024), '\r', '\n'), 0o600)
	overLimit := write("over-limit", bytes.Repeat([]byte("k"), 1025), 0o600)
	foreign := write("foreign", []byte("s3cret\n"), 0o600)
	if err := os.Chown(foreign, 1000, 1000); err != nil && os.Geteuid() == 0 {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mode   string
		path   string
		code   ocf.Code
		reason string
	}{
		{"good", "md5", good, ocf.Success, ""},
		{"symlink to a good file", "md5", link("to-good", good), ocf.Success, ""},
		{"readable by others: a warning", "md5", write("readable", []byte("s3cret\n"), 0o644), ocf.Success, ""},
		{"10 MB with the key on its first line", "md5", bigWithKey, ocf.Success, ""},
		{"/dev/zero", "md5", "/dev/zero", ocf.ErrInstalled, "character device"},
		{"symlink to /dev/zero", "md5", link("to-zero", "/dev/zero"), ocf.ErrInstalled, "character device"},
		{"FIFO without a writer", "md5", fifo, ocf.ErrInstalled, "FIFO"},
		{"directory", "md5", dir, ocf.ErrInstalled, "directory"},
		{"10 MB without a newline", "hmac-sha256", big, ocf.ErrInstalled, "longer than 1024"},
		{"1025 octets", "hmac-sha256", overLimit, ocf.ErrInstalled, "longer than 1024"},
		// Within the line limit, but no RIP key is that long: this
		// node's file is wrong, not the resource.
		{"1024 octets and CR LF", "hmac-sha256", atLimit, ocf.ErrInstalled, "1 to 32 octets"},
		{"missing", "md5", filepath.Join(dir, "missing"), ocf.ErrInstalled, "does not exist"},
		{"dangling symlink", "md5", link("dangling", filepath.Join(dir, "nowhere")), ocf.ErrInstalled, "does not exist"},
		{"writable by the group", "md5", write("group-writable", []byte("s3cret\n"), 0o660), ocf.ErrInstalled, "writable"},
		{"owned by another user", "md5", foreign, ocf.ErrInstalled, "uid 1000"},
		{"empty first line", "md5", write("empty", []byte("\ns3cret\n"), 0o600), ocf.ErrInstalled, "no key"},
		{"too long for md5", "md5", write("seventeen", []byte("seventeen-octets!\n"), 0o600), ocf.ErrInstalled, "1 to 16 octets"},
	}
	for _, tt := range tests {
		for _, action := range []string{"validate-all", "start"} {
			t.Run(tt.name+" "+action, func(t *testing.T) {
				// start stops at the privilege check after the key:
				// it never changes this host.
				wantCode := tt.code
				if action == "start" && wantCode == ocf.Success {
					wantCode = ocf.ErrPerm
				}
				type outcome struct {
					code   int
					stderr string
				}
				done := make(chan outcome, 1)
				go func() {
					code, _, stderr := runAsUser(t, action, env("ip="+vip, "auth_mode="+tt.mode, "auth_key_file="+tt.path,
						"OCF_CHECK_LEVEL=0", "CRM_meta_timeout=5000"))
					done <- outcome{code, stderr}
				}()
				var o outcome
				select {
				case o = <-done:
				case <-time.After(30 * time.Second):
					t.Fatalf("%s did not return", action)
				}
				if ocf.Code(o.code) != wantCode {
					t.Fatalf("code %v, want %v\n%s", ocf.Code(o.code), wantCode, o.stderr)
				}
				rs := exitReasons(o.stderr)
				switch {
				case tt.code == ocf.Success && action == "validate-all" && len(rs) != 0:
					t.Errorf("unexpected exit reasons %q", rs)
				case tt.code != ocf.Success && (len(rs) != 1 || !strings.Contains(rs[0], tt.reason)):
					t.Errorf("exit reasons %q, want one containing %q", rs, tt.reason)
				}
				if strings.Contains(o.stderr, "s3cret") {
					t.Errorf("the key is in the output:\n%s", o.stderr)
				}
				if strings.HasPrefix(tt.name, "readable") && !strings.Contains(o.stderr, "chmod 600") {
					t.Errorf("no warning for a key file others can read:\n%s", o.stderr)
				}
			})
		}
	}
}

// TestKeyFileDeadline: a read that hangs (a dead NFS server) ends the
// action at its deadline with 1, not never.
func TestKeyFileDeadline(t *testing.T) {
	hang := make(chan struct{})
	defer close(hang)
	defer func(f func(string) (keyFile, error)) { readKeyLineFn = f }(readKeyLineFn)
	readKeyLineFn = func(string) (keyFile, error) {
		<-hang
		return keyFile{}, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the deadline has passed
	_, err := readKeyFile(ctx, "/etc/ocfnet/rip.key")
	if ocf.CodeOf(err) != ocf.ErrGeneric || !strings.Contains(err.Error(), "timeout") {
		t.Errorf("got %v (%v), want 1 for a read past the deadline", err, ocf.CodeOf(err))
	}
}
