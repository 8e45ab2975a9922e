package ocf

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/ocfnet/ocfnet/pkg/proc"
	"github.com/ocfnet/ocfnet/pkg/statefile"
)

// Helper is one kind of an agent's detached helper processes (IPaddr2's
// ARP sender, VIPArip's announcer): the agent re-executed with a hidden
// action (spawn), recognised by a pid file checked against /proc (alive,
// not a zombie, and its command line), ended by a signal.
//
// Its command line is its only input channel and its identity: the
// agent's name, Action, then Key if not empty, then the inputs Start is
// given. The helper reads Key and its inputs back as Context.Inputs.
type Helper struct {
	Action  string // the hidden action
	Key     string // which of Action's helpers (a VIP); "" for one a node
	PidFile string // path of the pid file
}

// Start spawns the helper with inputs after its Key, detached: in its own
// session, stdio on /dev/null, with the action's parameters (secrets
// left out) in its environment. files become its descriptors 3, 4, ...;
// env is appended to its environment. It returns the pid; recording it (Record) is the caller's, or the
// helper's own, business.
func (h Helper) Start(c *Context, inputs []string, files []*os.File, env ...string) (int, error) {
	var words []string
	if h.Key != "" {
		words = append(words, h.Key)
	}
	return c.spawn(h.Action, append(words, inputs...), files, env...)
}

// Is reports whether pid is alive and is this helper: a pid from a pid
// file may since belong to another process, and a dying helper loses its
// command line before it dies.
func (h Helper) Is(pid int) bool { return proc.Alive(pid) && h.argsMatch(pid) }

// argsMatch reports whether pid's command line is this helper's.
func (h Helper) argsMatch(pid int) bool {
	args, err := proc.Args(pid)
	if err != nil || len(args) < 2 || args[1] != h.Action {
		return false
	}
	return h.Key == "" || (len(args) >= 3 && args[2] == h.Key)
}

// Pid returns the pid of the recorded helper if it runs, 0 otherwise.
func (h Helper) Pid() int {
	pid, err := statefile.ReadPid(h.PidFile)
	if err != nil || pid == 0 || !h.Is(pid) {
		return 0
	}
	return pid
}

// Record writes pid to the pid file.
func (h Helper) Record(pid int) error { return statefile.WritePid(h.PidFile, pid) }

// Recorded reports whether the pid file names pid, in a state directory
// no other user could have written it to.
func (h Helper) Recorded(pid int) bool {
	if statefile.SafeDir(filepath.Dir(h.PidFile)) != nil {
		return false
	}
	got, err := statefile.ReadPid(h.PidFile)
	return err == nil && got == pid
}

// Forget removes the pid file if it names pid: a helper leaving removes
// its own record, never its successor's.
func (h Helper) Forget(pid int) {
	if h.Recorded(pid) {
		_ = statefile.Remove(h.PidFile)
	}
}

// Strays returns the live helpers of this kind that belong to this node,
// recorded or not (a helper whose spawner was killed before recording it
// is in no pid file). A helper is this node's when it shares this
// thread's network namespace and HA_RSCTMP (rsctmp, its raw value): two
// simulated nodes on one machine differ in exactly those.
func (h Helper) Strays(rsctmp string) []int {
	ownNS, err := proc.OwnNetNS()
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var out []int
	for _, pid := range proc.Pids() {
		// The command line first: it rules out nearly every process.
		if pid != self && h.argsMatch(pid) && h.Is(pid) && proc.InNetNS(pid, ownNS) && proc.Env(pid, "HA_RSCTMP") == rsctmp {
			out = append(out, pid)
		}
	}
	return out
}

// Stop ends the recorded helper and the node's strays with sig, waits up
// to wait for each to be dead (a signalled process lives on until it is
// scheduled to die), and removes the pid file. It returns the pids still
// alive after the wait, and the errors of signals that failed.
func (h Helper) Stop(rsctmp string, sig syscall.Signal, wait time.Duration) (alive []int, err error) {
	pids := h.Strays(rsctmp)
	if pid := h.Pid(); pid != 0 && !slices.Contains(pids, pid) {
		pids = append(pids, pid)
	}
	var errs []error
	for _, pid := range pids {
		if err := syscall.Kill(pid, sig); err != nil && err != syscall.ESRCH {
			errs = append(errs, err)
		}
	}
	deadline := time.Now().Add(wait)
	for _, pid := range pids {
		for proc.Alive(pid) && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if proc.Alive(pid) {
			alive = append(alive, pid)
		}
	}
	if err := statefile.Remove(h.PidFile); err != nil {
		errs = append(errs, err)
	}
	return alive, errors.Join(errs...)
}
