package pcmk

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Proc identifies a process across pid reuse: its pid and its start time
// (clock ticks after boot, field 22 of /proc/<pid>/stat).
type Proc struct {
	PID   int
	Start uint64
}

// executors are the executables that run resource agents for Pacemaker:
// pacemaker-execd on cluster nodes, pacemaker-remoted on Pacemaker Remote
// nodes (pacemaker_remoted before 2.0), and lrmd, the executor of
// Pacemaker 1.1.
var executors = map[string]bool{
	"pacemaker-execd": true, "pacemaker-remoted": true, "pacemaker_remoted": true, "lrmd": true,
}

// maxDepth bounds the walk up the parent chain: the executor is the
// agent's parent, or a few levels up when a wrapper forks it.
const maxDepth = 32

// Executor returns the Pacemaker executor that ran process pid: the
// nearest ancestor whose executable is one. ok is false for a hand run
// (crm_resource --force-start, pcs resource debug-start, ocf-tester, a
// shell), whose ancestors include none. proc is the proc file system's
// mount point, /proc outside tests.
func Executor(proc string, pid int) (p Proc, ok bool, err error) {
	st, err := readStat(proc, pid)
	if err != nil {
		return Proc{}, false, err
	}
	for range maxDepth {
		pid = st.ppid
		if pid <= 1 {
			return Proc{}, false, nil
		}
		if st, err = readStat(proc, pid); err != nil {
			// The parent exited while we looked: no executor waits for us.
			return Proc{}, false, nil
		}
		if isExecutor(proc, pid) && st.live() {
			return Proc{PID: pid, Start: st.start}, true, nil
		}
	}
	return Proc{}, false, nil
}

// isExecutor checks the executable, not the command name, which any
// process may set to anything (prctl PR_SET_NAME). An executable replaced
// by a package upgrade reads "/usr/sbin/pacemaker-execd (deleted)".
func isExecutor(proc string, pid int) bool {
	exe, err := os.Readlink(filepath.Join(proc, strconv.Itoa(pid), "exe"))
	if err != nil {
		return false
	}
	return executors[filepath.Base(strings.TrimSuffix(exe, " (deleted)"))]
}

// Alive reports whether p still runs: the pid exists, is not a zombie
// (nothing may reap a killed executor), and started when p did (the pid
// was not reused).
func Alive(proc string, p Proc) bool {
	st, err := readStat(proc, p.PID)
	return err == nil && st.live() && st.start == p.Start
}

// stat is what we use of /proc/<pid>/stat.
type stat struct {
	state byte
	ppid  int
	start uint64
}

func (s stat) live() bool { return s.state != 'Z' && s.state != 'X' }

var errStat = errors.New("malformed stat")

// readStat parses /proc/<pid>/stat (proc(5)). The command name, field 2,
// is parenthesised and may contain spaces and parentheses: the fields
// are counted from the last ')'.
func readStat(proc string, pid int) (stat, error) {
	b, err := os.ReadFile(filepath.Join(proc, strconv.Itoa(pid), "stat"))
	if err != nil {
		return stat{}, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return stat{}, fmt.Errorf("pid %d: %w", pid, errStat)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state), f[1] field 4 (ppid), f[19] field 22 (starttime).
	if len(f) < 20 || len(f[0]) != 1 {
		return stat{}, fmt.Errorf("pid %d: %w", pid, errStat)
	}
	ppid, err1 := strconv.Atoi(f[1])
	start, err2 := strconv.ParseUint(f[19], 10, 64)
	if err1 != nil || err2 != nil {
		return stat{}, fmt.Errorf("pid %d: %w", pid, errStat)
	}
	return stat{state: f[0][0], ppid: ppid, start: start}, nil
}
