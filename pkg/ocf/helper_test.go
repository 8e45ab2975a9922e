package ocf

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/pkg/proc"
)

// TestHelperLifecycle drives a real process through Helper: a sleep whose
// command line "sleep 30 1" stands for "<agent> <Action> <Key>".
func TestHelperLifecycle(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("sleep", "30", "1")
	cmd.Env = []string{"HA_RSCTMP=" + dir}
	if err := cmd.Start(); err != nil {
		t.Skipf("no sleep to stand for a helper: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	pid := cmd.Process.Pid
	// Until the child has exec'd, /proc shows the test binary's argv.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if args, _ := proc.Args(pid); len(args) > 0 && filepath.Base(args[0]) == "sleep" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("sleep did not start within 10 s")
		}
	}
	h := Helper{Action: "30", Key: "1", PidFile: filepath.Join(dir, "x.pid")}
	other := Helper{Action: "30", Key: "2", PidFile: h.PidFile}

	if got := h.Pid(); got != 0 {
		t.Errorf("Pid without a pid file = %d", got)
	}
	if err := h.Record(pid); err != nil {
		t.Fatal(err)
	}
	if got := h.Pid(); got != pid {
		t.Errorf("Pid = %d, want %d", got, pid)
	}
	if got := other.Pid(); got != 0 {
		t.Errorf("another key's Pid = %d: the recorded pid is not that helper", got)
	}
	if !h.Recorded(pid) || h.Recorded(pid+1) {
		t.Errorf("Recorded(%d) = %v, Recorded(%d) = %v", pid, h.Recorded(pid), pid+1, h.Recorded(pid+1))
	}
	if s := h.Strays(dir); !slices.Contains(s, pid) {
		t.Errorf("Strays(%s) = %v, want %d in it", dir, s, pid)
	}
	if s := h.Strays(dir + "-other-node"); slices.Contains(s, pid) {
		t.Errorf("Strays of another HA_RSCTMP = %v, has %d", s, pid)
	}
	h.Forget(pid + 1)
	if _, err := os.Stat(h.PidFile); err != nil {
		t.Errorf("Forget of another pid removed the pid file: %v", err)
	}
	alive, err := h.Stop(dir, syscall.SIGKILL, 5*time.Second)
	if err != nil || len(alive) != 0 {
		t.Errorf("Stop = %v, %v; want none alive", alive, err)
	}
	// Nothing reaps it yet: a zombie is not alive, and not the helper.
	if h.Is(pid) {
		t.Errorf("Is(%d) after SIGKILL", pid)
	}
	if _, err := os.Stat(h.PidFile); !os.IsNotExist(err) {
		t.Errorf("Stop left the pid file: %v", err)
	}
}

func TestHelperIs(t *testing.T) {
	self := os.Getpid()
	for _, tt := range []struct {
		name string
		h    Helper
		pid  int
		want bool
	}{
		{"no such pid", Helper{Action: "x"}, 1 << 30, false},
		{"pid 0", Helper{Action: "x"}, 0, false},
		{"another program's argv", Helper{Action: "_garp", Key: "192.0.2.1"}, self, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.h.Is(tt.pid); got != tt.want {
				t.Errorf("Is(%d) = %v, want %v", tt.pid, got, tt.want)
			}
		})
	}
}
