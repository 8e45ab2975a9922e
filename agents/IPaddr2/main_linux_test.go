package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ocfnet/ocfnet/internal/agenttest"
	"github.com/ocfnet/ocfnet/internal/testnet"
)

// agentBin is the agent built once for the privileged tests, in a
// world-traversable directory: ocf-tester runs meta-data as nobody.
var agentBin string

func TestMain(m *testing.M) { os.Exit(agenttest.Main(m, "IPaddr2", &agentBin)) }

// node is one simulated cluster node: a namespace and its own HA_RSCTMP.
type node struct {
	ns     *testnet.NS
	rsctmp string
}

func newNode(t *testing.T, ns *testnet.NS) *node {
	return &node{ns: ns, rsctmp: t.TempDir()}
}

// unrecorded is the node as seen without start's records (HA_RSCTMP
// lost): what the parameters alone say.
func (n *node) unrecorded(t *testing.T) *node { return &node{ns: n.ns, rsctmp: t.TempDir()} }

// result of one agent invocation.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) reasons() []string { return exitReasons(r.stderr) }

// run runs the agent binary inside the node's namespace with the given
// parameters (name=value; OCF_/HA_ names pass through unprefixed).
func (n *node) run(t *testing.T, action string, kv ...string) result {
	t.Helper()
	out, errOut, code := n.ns.RunEnv(agenttest.Environ(n.rsctmp, kv...), agentBin, action)
	if code < 0 {
		t.Fatalf("running the agent: %s", errOut)
	}
	return result{code: code, stdout: out, stderr: errOut}
}

// must runs an action that has to succeed.
func (n *node) must(t *testing.T, action string, kv ...string) {
	t.Helper()
	if r := n.run(t, action, kv...); r.code != 0 {
		t.Fatalf("%s %v: code %d\n%s", action, kv, r.code, r.stderr)
	}
}

// expect runs an action and checks its code and, for failures other than
// not running, that exactly one exit reason was printed.
func (n *node) expect(t *testing.T, want int, action string, kv ...string) result {
	t.Helper()
	r := n.run(t, action, kv...)
	if r.code != want {
		t.Errorf("%s %v: code %d, want %d\n%s", action, kv, r.code, want, r.stderr)
		return r
	}
	if rs := r.reasons(); want != 0 && want != 7 && len(rs) != 1 {
		t.Errorf("%s %v: exit reasons %q, want exactly one", action, kv, rs)
	}
	return r
}

// runRoot runs the agent in this process's namespace (not inside a test
// namespace): for network_namespace, where the agent enters it itself.
func runRoot(t *testing.T, rsctmp, action string, kv ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(agentBin, action)
	cmd.Env = append(os.Environ(), "HA_RSCTMP="+rsctmp)
	for _, s := range kv {
		cmd.Env = append(cmd.Env, "OCF_RESKEY_"+s)
	}
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), cmd.ProcessState.ExitCode()
}
