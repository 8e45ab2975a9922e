package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/agenttest"
	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/proc"
	"github.com/ocfnet/ocfnet/pkg/statefile"
)

// agentBin is the agent built once, world-traversable for ocf-tester.
var agentBin string

func TestMain(m *testing.M) { os.Exit(agenttest.Main(m, "VIPArip", &agentBin)) }

// node is a simulated cluster node: a namespace and its own HA_RSCTMP.
type node struct {
	ns     *testnet.NS
	addr   string
	rsctmp string
}

func (n *node) run(t testing.TB, action string, kv ...string) (int, string) {
	t.Helper()
	_, stderr, code := n.ns.RunEnv(n.environ(kv...), agentBin, action)
	if code < 0 {
		t.Fatalf("running the agent: %s", stderr)
	}
	return code, stderr
}

// environ is the environment of an agent run on n with parameters kv
// ("name=value", or "OCF_…"/"HA_…" variables, which override the node's).
func (n *node) environ(kv ...string) []string { return agenttest.Environ(n.rsctmp, kv...) }

func (n *node) expect(t testing.TB, want int, action string, kv ...string) string {
	t.Helper()
	code, stderr := n.run(t, action, kv...)
	if code != want {
		t.Fatalf("%s on %s %v: code %d, want %d\n%s", action, n.ns.Name, kv, code, want, stderr)
	}
	return stderr
}

// announcer returns the node's announcer pid, waiting for one just
// spawned to write its pidfile (10 s: a loaded machine may take a while to
// run it); 0 if none runs.
func (n *node) announcer() int { return n.announcerWithin(10 * time.Second) }

// announcerWithin is announcer with a given wait; a test that expects no
// announcer waits less, as it waits the whole time.
func (n *node) announcerWithin(wait time.Duration) int {
	var pid int
	if !testnet.Eventually(wait, 10*time.Millisecond, func() bool {
		pid, _ = statefile.ReadPid(filepath.Join(n.rsctmp, "ocfnet-VIPArip", "announcer.pid"))
		return pid != 0 && proc.Alive(pid)
	}) {
		return 0
	}
	return pid
}

// killAnnouncer crashes the node's announcer with SIGKILL. It fails the
// test when none runs: kill(0, ...) would signal the test's own process
// group.
func (n *node) killAnnouncer(t testing.TB) {
	t.Helper()
	pid := n.announcer()
	if pid == 0 {
		t.Fatalf("%s has no announcer", n.ns.Name)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// kill returns before the process has died; what follows (a monitor
	// that must see it dead) needs it gone.
	if !testnet.Eventually(10*time.Second, 5*time.Millisecond, func() bool { return !proc.Alive(pid) }) {
		t.Fatalf("announcer %d still alive 10 s after SIGKILL", pid)
	}
}

// lab is the CLUSTERPRO example: server1 (192.168.10.221) and server2
// (192.168.11.222) each on their own subnet behind one router, a client
// (192.168.12.223) behind the same router, the VIP on none of them.
type lab struct {
	s1, s2         *node
	router, client *testnet.NS
}

const (
	vip  = "192.168.13.229"
	recv = "CRM_meta_interval=5000"
)

func newLab(t testing.TB) *lab {
	testnet.RequireRoot(t)
	// State directories first: cleanups run last-in first-out, so they are
	// removed after the namespaces' processes (announcers) are killed.
	rsctmp1, rsctmp2 := t.TempDir(), t.TempDir()
	net := testnet.New(t)
	l := &lab{router: net.NS("router"), client: net.NS("client")}
	l.s1 = &node{ns: net.NS("server1"), addr: "192.168.10.221", rsctmp: rsctmp1}
	l.s2 = &node{ns: net.NS("server2"), addr: "192.168.11.222", rsctmp: rsctmp2}
	for i, n := range []*node{l.s1, l.s2} {
		rif := fmt.Sprintf("eth%d", i)
		net.Veth(n.ns, "eth0", l.router, rif)
		subnet := fmt.Sprintf("192.168.%d.", 10+i)
		n.ns.IP(t, "addr", "add", n.addr+"/24", "dev", "eth0")
		n.ns.IP(t, "route", "add", "default", "via", subnet+"220")
		l.router.IP(t, "addr", "add", subnet+"220/24", "dev", rif)
	}
	net.Veth(l.client, "eth0", l.router, "eth2")
	l.router.IP(t, "addr", "add", "192.168.12.220/24", "dev", "eth2")
	l.client.IP(t, "addr", "add", "192.168.12.223/24", "dev", "eth0")
	l.client.IP(t, "route", "add", "default", "via", "192.168.12.220")
	l.router.Run(t, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	return l
}

// routedVia waits until the router's kernel routes the VIP via gw ("" for
// no route at all) and returns how long that took.
func (l *lab) routedVia(t testing.TB, dst, gw string, within time.Duration) time.Duration {
	t.Helper()
	took, ok := l.router.WaitRoute(t, dst, within, func(r testnet.Route, found bool) bool {
		if gw == "" {
			return !found
		}
		return found && len(r.Via()) == 1 && r.Via()[0] == gw
	})
	if !ok {
		r, found := l.router.Route(t, dst)
		t.Fatalf("router: route to %s is %+v (found %v), want via %q", dst, r, found, gw)
	}
	return took
}

func (l *lab) clientReaches(t testing.TB, ip string) {
	t.Helper()
	p := l.client.Ping(t, ip, 20*time.Millisecond, 30*time.Second)
	p.Wait(10*time.Second, func(r testnet.PingResult) bool { return r.Received > 0 })
	if res := p.Stop(); res.Received == 0 {
		t.Fatalf("client cannot reach %s (%d sent)", ip, res.Sent)
	}
}

// birdConf leaves BIRD's ECMP at its Linux default (on): the harder case
// for a crash takeover, where an equal metric would be added next to the
// dead owner instead of replacing it.
const birdConf = `router id 192.168.12.220;
protocol device { }
protocol kernel { ipv4 { import none; export all; }; }
protocol rip rip1 {
  ipv4 { import all; export none; };
  interface "eth0", "eth1" { version 2; %s };
}
`

const frrConf = `router rip
 version 2
 network eth0
 network eth1
exit
`

// routerKind starts one kind of RIP router in the lab, with auth, in its
// own configuration language, on the servers' interfaces.
type routerKind struct {
	name  string
	start func(t testing.TB, l *lab, auth string)
}

var routerKinds = []routerKind{
	{"FRR", func(t testing.TB, l *lab, auth string) {
		conf := frrConf
		if auth != "" {
			conf = "key chain vip\n key 1\n  key-string s3cret\n exit\nexit\n" +
				"interface eth0\n" + auth + "exit\ninterface eth1\n" + auth + "exit\n" + frrConf
		}
		l.router.StartFRR(t, conf).WaitRIP(t, "eth0", "eth1")
	}},
	{"BIRD", func(t testing.TB, l *lab, auth string) {
		l.router.StartBIRD(t, strings.Replace(birdConf, "%s", auth, 1)).WaitRIP(t, "eth0", "eth1")
	}},
}

// eachRouter runs f in a fresh lab with each kind of router.
func eachRouter(t *testing.T, f func(t *testing.T, l *lab, r routerKind)) {
	for _, r := range routerKinds {
		t.Run(r.name, func(t *testing.T) {
			l := newLab(t)
			f(t, l, r)
		})
	}
}
