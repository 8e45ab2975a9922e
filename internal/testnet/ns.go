package testnet

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/vishvananda/netns"
)

// NS is one network namespace of a Net.
type NS struct {
	Name string
	net  *Net
	mu   sync.Mutex
	cmds []*exec.Cmd
}

// Run runs args inside the namespace and returns stdout; it fails the
// test, showing all output, if the command fails.
func (ns *NS) Run(t testing.TB, args ...string) string {
	t.Helper()
	out, errOut, code, err := ns.RunErr(args...)
	if err != nil || code != 0 {
		t.Fatalf("in %s: %s: exit %d %v\n%s%s", ns.Name, strings.Join(args, " "), code, err, out, errOut)
	}
	return out
}

// RunErr runs args inside the namespace and returns its output and exit
// code without failing the test.
func (ns *NS) RunErr(args ...string) (stdout, stderr string, code int, err error) {
	stdout, stderr, code = ns.RunEnv(nil, args...)
	if code < 0 {
		err = errors.New(stderr)
	}
	return stdout, stderr, code, err
}

// RunEnv runs args inside the namespace with env added to this process's
// environment. code is -1 when the command could not run.
func (ns *NS) RunEnv(env []string, args ...string) (stdout, stderr string, code int) {
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns.Name}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return o.String(), e.String(), 0
	case errors.As(err, &exit):
		return o.String(), e.String(), exit.ExitCode()
	}
	return o.String(), e.String() + err.Error(), -1
}

// IP runs `ip -n <ns> args...` and returns its output, failing the test
// on error.
func (ns *NS) IP(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command("ip", append([]string{"-n", ns.Name}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip -n %s %s: %v\n%s", ns.Name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Start starts args inside the namespace in the background, in its own
// process group; cleanup kills the group and reaps it.
func (ns *NS) Start(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns.Name}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %v in %s: %v", args, ns.Name, err)
	}
	ns.mu.Lock()
	ns.cmds = append(ns.cmds, cmd)
	ns.mu.Unlock()
	return cmd
}

func (ns *NS) stopProcs() {
	ns.mu.Lock()
	cmds := ns.cmds
	ns.cmds = nil
	ns.mu.Unlock()
	for _, c := range cmds {
		_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		_ = c.Wait()
	}
}

// Do runs fn on an OS thread switched into the namespace. Sockets opened
// and processes started by fn belong to the namespace.
func (ns *NS) Do(t testing.TB, fn func()) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		// The thread is left locked when the goroutine exits, so the
		// runtime discards it instead of reusing a thread in the wrong
		// namespace should restoring fail.
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			done <- err
			return
		}
		defer orig.Close()
		h, err := netns.GetFromName(ns.Name)
		if err != nil {
			done <- err
			return
		}
		defer h.Close()
		if err := netns.Set(h); err != nil {
			done <- err
			return
		}
		defer func() {
			if netns.Set(orig) == nil {
				runtime.UnlockOSThread()
			}
		}()
		fn()
		done <- nil
	}()
	if err := <-done; err != nil {
		t.Fatalf("entering %s: %v", ns.Name, err)
	}
}

type ipAddrJSON struct {
	AddrInfo []struct {
		Family    string `json:"family"`
		Local     string `json:"local"`
		PrefixLen int    `json:"prefixlen"`
	} `json:"addr_info"`
	Address string `json:"address"`
}

func (ns *NS) link(t testing.TB, ifName string) ipAddrJSON {
	t.Helper()
	var links []ipAddrJSON
	if err := json.Unmarshal([]byte(ns.IP(t, "-j", "addr", "show", "dev", ifName)), &links); err != nil || len(links) != 1 {
		t.Fatalf("ip -j addr show dev %s in %s: %v", ifName, ns.Name, err)
	}
	return links[0]
}

// Addrs returns the IPv4 addresses of ifName as "a.b.c.d/len".
func (ns *NS) Addrs(t testing.TB, ifName string) []string {
	t.Helper()
	var out []string
	for _, a := range ns.link(t, ifName).AddrInfo {
		if a.Family == "inet" {
			out = append(out, a.Local+"/"+strconv.Itoa(a.PrefixLen))
		}
	}
	return out
}

// HasAddr reports whether ifName has exactly the address cidr.
func (ns *NS) HasAddr(t testing.TB, ifName, cidr string) bool {
	t.Helper()
	for _, a := range ns.Addrs(t, ifName) {
		if a == cidr {
			return true
		}
	}
	return false
}

// MAC returns the hardware address of ifName.
func (ns *NS) MAC(t testing.TB, ifName string) string {
	t.Helper()
	return ns.link(t, ifName).Address
}

// Neigh returns the neighbour entry for ip: its MAC and state.
func (ns *NS) Neigh(t testing.TB, ip string) (mac, state string, ok bool) {
	t.Helper()
	var entries []struct {
		Dst    string   `json:"dst"`
		LLAddr string   `json:"lladdr"`
		State  []string `json:"state"`
	}
	if err := json.Unmarshal([]byte(ns.IP(t, "-j", "neigh", "show", ip)), &entries); err != nil {
		t.Fatalf("ip -j neigh show %s: %v", ip, err)
	}
	for _, e := range entries {
		if e.Dst == ip && e.LLAddr != "" {
			return e.LLAddr, strings.Join(e.State, ","), true
		}
	}
	return "", "", false
}
