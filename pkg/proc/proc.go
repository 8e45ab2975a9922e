// Package proc reads what /proc says about other processes: whether one
// is alive, its command line, its environment and its network namespace.
// A killed detached helper stays a zombie when nothing reaps it (PID 1 in
// some containers never does), so alive means "exists and not a zombie".
package proc

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Alive reports whether pid exists and is not a zombie: a zombie does no
// work.
func Alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	stat, err := readSmall("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name, which may itself
	// contain spaces and parentheses.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || i+2 >= len(stat) {
		return false
	}
	state := stat[i+2]
	return state != 'Z' && state != 'X'
}

// Args returns the argv of pid, for checking that a pid read from a pid
// file still belongs to the process that wrote it. A dying process loses
// its command line before it stops being alive.
func Args(pid int) ([]string, error) {
	b, err := readSmall("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return nil, err
	}
	b = bytes.TrimRight(b, "\x00")
	if len(b) == 0 {
		return nil, errors.New("no command line")
	}
	return strings.Split(string(b), "\x00"), nil
}

// Env returns the value of name in pid's initial environment, "" if unset.
func Env(pid int, name string) string {
	b, err := readSmall("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return ""
	}
	prefix := []byte(name + "=")
	for _, kv := range bytes.Split(b, []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, prefix); ok {
			return string(v)
		}
	}
	return ""
}

// OwnNetNS names the network namespace of the calling thread (a process
// that entered a namespace did so on one thread only).
func OwnNetNS() (string, error) { return os.Readlink("/proc/thread-self/ns/net") }

// InNetNS reports whether any thread of pid is in namespace ns (as
// OwnNetNS names it).
func InNetNS(pid int, ns string) bool {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/ns/net")
	for _, t := range tasks {
		if l, err := os.Readlink(t); err == nil && l == ns {
			return true
		}
	}
	return false
}

// Pids returns the pids of every process, this one included.
func Pids() []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// readSmall reads a /proc file with plain system calls: through an
// os.File, each open would also be offered to the runtime's network
// poller, which doubles the system calls of a scan over every process
// (stop looks for stray helpers that way).
func readSmall(path string) ([]byte, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := syscall.Read(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return out, nil
		}
		out = append(out, buf[:n]...)
	}
}
