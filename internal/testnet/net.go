package testnet

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// namePrefix starts every namespace this package creates.
const namePrefix = "ot"

// markerDir records, per Net, the PID of the test process that owns it, so
// that Sweep can tell leftovers of dead runs from namespaces in use.
const markerDir = "/run/ocfnet-testnet"

// Net is one test's topology.
type Net struct {
	t      testing.TB
	prefix string
	mu     sync.Mutex
	spaces []*NS
	links  int
}

var sweepOnce sync.Once

// New returns an empty topology whose namespaces and processes are removed
// when the test ends.
func New(t testing.TB) *Net {
	t.Helper()
	RequireRoot(t)
	sweepOnce.Do(Sweep)
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	n := &Net{t: t, prefix: namePrefix + hex.EncodeToString(b)[:5]}
	if err := os.MkdirAll(markerDir, 0o755); err == nil {
		_ = os.WriteFile(filepath.Join(markerDir, n.prefix), []byte(fmt.Sprint(os.Getpid())), 0o644)
	}
	t.Cleanup(n.destroy)
	return n
}

// NS creates namespace "<prefix>-<name>" with lo up.
func (n *Net) NS(name string) *NS {
	n.t.Helper()
	ns := &NS{Name: n.prefix + "-" + name, net: n}
	if out, err := exec.Command("ip", "netns", "add", ns.Name).CombinedOutput(); err != nil {
		n.t.Fatalf("ip netns add %s: %v\n%s", ns.Name, err, out)
	}
	n.mu.Lock()
	n.spaces = append(n.spaces, ns)
	n.mu.Unlock()
	ns.IP(n.t, "link", "set", "lo", "up")
	return ns
}

// linkName returns a unique temporary interface name (≤ 15 characters).
func (n *Net) linkName() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.links++
	return fmt.Sprintf("%s%d", n.prefix, n.links)
}

// Veth connects a and b with a veth pair named ifA in a and ifB in b, both up.
func (n *Net) Veth(a *NS, ifA string, b *NS, ifB string) {
	n.t.Helper()
	tmpA, tmpB := n.linkName(), n.linkName()
	// Create it inside a so that nothing appears in the root namespace,
	// then move the peer.
	a.IP(n.t, "link", "add", tmpA, "type", "veth", "peer", "name", tmpB)
	a.IP(n.t, "link", "set", tmpB, "netns", b.Name)
	a.IP(n.t, "link", "set", tmpA, "name", ifA)
	b.IP(n.t, "link", "set", tmpB, "name", ifB)
	a.IP(n.t, "link", "set", ifA, "up")
	b.IP(n.t, "link", "set", ifB, "up")
}

// Bridge creates an up bridge named name in ns and returns its name.
func (n *Net) Bridge(ns *NS, name string) string {
	n.t.Helper()
	ns.IP(n.t, "link", "add", name, "type", "bridge")
	// No STP listening delay, and forward at once.
	ns.IP(n.t, "link", "set", name, "type", "bridge", "forward_delay", "0")
	ns.IP(n.t, "link", "set", name, "up")
	return name
}

// Port plugs ns into bridge br of brNS through a veth whose end in ns is
// ifName.
func (n *Net) Port(ns *NS, ifName string, brNS *NS, br string) {
	n.t.Helper()
	port := n.linkName()
	n.Veth(ns, ifName, brNS, port)
	brNS.IP(n.t, "link", "set", port, "master", br)
}

// Destroy kills every process in the topology's namespaces, then deletes
// the namespaces. It runs in the test's cleanup; a program that must clean
// up on a signal (the demo) calls it itself. Calling it twice is harmless.
func (n *Net) Destroy() { n.destroy() }

func (n *Net) destroy() {
	n.mu.Lock()
	spaces := n.spaces
	n.spaces = nil
	n.mu.Unlock()
	for _, ns := range spaces {
		ns.stopProcs()
	}
	for _, ns := range spaces {
		killNamespace(ns.Name)
	}
	_ = os.Remove(filepath.Join(markerDir, n.prefix))
}

// killNamespace kills what still runs in the namespace and deletes it.
func killNamespace(name string) {
	for _, pid := range nsPids(name) {
		killPid(pid)
	}
	if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil &&
		!strings.Contains(string(out), "No such file") {
		fmt.Fprintf(os.Stderr, "testnet: ip netns del %s: %v: %s\n", name, err, out)
	}
}

// Sweep deletes namespaces left by earlier runs whose test process died.
func Sweep() {
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || !strings.HasPrefix(fields[0], namePrefix) {
			continue
		}
		name := fields[0]
		prefix, _, ok := strings.Cut(name, "-")
		if !ok || len(prefix) != len(namePrefix)+5 {
			continue
		}
		owner, err := os.ReadFile(filepath.Join(markerDir, prefix))
		if err == nil && pidAlive(strings.TrimSpace(string(owner))) {
			continue
		}
		killNamespace(name)
		_ = os.Remove(filepath.Join(markerDir, prefix))
	}
}
