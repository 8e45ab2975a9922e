package testnet

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nsPids lists the processes inside a namespace.
func nsPids(name string) []int {
	out, err := exec.Command("ip", "netns", "pids", name).Output()
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killPid SIGKILLs pid and waits briefly until it is gone or a zombie:
// PID 1 here reaps nothing, so orphans stay zombies, which hold no
// namespace resources that matter.
func killPid(pid int) {
	_ = syscall.Kill(pid, syscall.SIGKILL)
	// Death follows kill(2) when the process next runs: on a loaded
	// machine that may take a while, and the tests check afterwards that
	// nothing of theirs is left alive.
	for deadline := time.Now().Add(10 * time.Second); alive(pid) && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] != 'Z' && stat[i+2] != 'X'
}

func pidAlive(s string) bool {
	pid, err := strconv.Atoi(s)
	return err == nil && alive(pid)
}

// PowerOff simulates a host losing power: every process in the namespace
// is killed at once (no stop, no poison, no goodbye) and its links go down.
func (ns *NS) PowerOff(t testing.TB, links ...string) {
	t.Helper()
	for _, pid := range nsPids(ns.Name) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	for _, l := range links {
		ns.IP(t, "link", "set", l, "down")
	}
}
