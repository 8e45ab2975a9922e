package main

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"

	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// strays returns the live detached senders of ip that belong to this
// node, recorded or not: a sender whose spawner was killed before
// recording it sends nothing (see spawnGARP), but stop must not leave it
// running either. A sender is this node's when it shares this process's
// network namespace and HA_RSCTMP (two simulated nodes on one machine
// differ in exactly those).
func strays(c *ocf.Context, ip netip.Addr) []int {
	ownNS, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		return nil
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		args, err := ocf.ProcArgs(pid)
		if err != nil || len(args) < 3 || args[1] != garpAction || args[2] != ip.String() ||
			!ocf.ProcAlive(pid) || !inNetNS(pid, ownNS) ||
			procEnv(pid, "HA_RSCTMP") != c.Env.Get("HA_RSCTMP") {
			continue
		}
		out = append(out, pid)
	}
	return out
}

// inNetNS reports whether any thread of pid is in namespace ns (a
// process that entered network_namespace did so on one thread only).
func inNetNS(pid int, ns string) bool {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/ns/net")
	for _, t := range tasks {
		if l, err := os.Readlink(t); err == nil && l == ns {
			return true
		}
	}
	return false
}

// procEnv returns the value of name in pid's initial environment.
func procEnv(pid int, name string) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
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
