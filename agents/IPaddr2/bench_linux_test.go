package main

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/garp"
)

// referenceAgent is resource-agents' shell IPaddr2, measured side by side.
const referenceAgent = "/usr/lib/ocf/resource.d/heartbeat/IPaddr2"

// sample is one invocation's cost.
type sample struct {
	wall, cpu time.Duration
	firstARP  time.Duration // start only: exec to first ARP frame on the wire
}

// invoke runs one action of agent and measures wall time until the agent
// exits, as Pacemaker's executor sees it, and the CPU time of the agent and
// the children it waited for (wait4's rusage). Output goes to a file, not a
// pipe: resource-agents' background send_arp keeps a pipe open for a second
// after the agent has exited.
func invoke(b *testing.B, agent, action string, env []string) sample {
	out, err := os.CreateTemp(b.TempDir(), "out")
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(agent)
	if action != "" {
		cmd.Args = append(cmd.Args, action)
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = out, out
	began := time.Now()
	err = cmd.Run()
	wall := time.Since(began)
	if err != nil {
		text, _ := os.ReadFile(out.Name())
		b.Fatalf("%s %s: %v\n%s", agent, action, err, text)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return sample{wall: wall, cpu: cpu}
}

// emptyGoProgram builds a static Go program whose main returns at once:
// what starting any Go process costs here, the bound of a Go agent's speed.
func emptyGoProgram(b *testing.B) string {
	dir := b.TempDir()
	for name, text := range map[string]string{
		"go.mod":  "module floor\n\ngo 1.26\n",
		"main.go": "package main\n\nfunc main() {}\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", "floor", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building the empty Go program: %v\n%s", err, out)
	}
	return filepath.Join(dir, "floor")
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// benchPair checks that resource-agents' IPaddr2 is there to compare
// with, then builds a node and a peer joined by a veth pair (eth0 both
// ends) with the given addresses; IPv6 ones are added without DAD.
func benchPair(b *testing.B, nodeAddr, peerAddr string) (node, peer *testnet.NS) {
	testnet.RequireRoot(b)
	if _, err := os.Stat(referenceAgent); err != nil {
		b.Fatalf("%s missing: run make deps", referenceAgent)
	}
	net := testnet.New(b)
	node, peer = net.NS("node"), net.NS("peer")
	net.Veth(node, "eth0", peer, "eth0")
	for ns, addr := range map[*testnet.NS]string{node: nodeAddr, peer: peerAddr} {
		args := []string{"addr", "add", addr, "dev", "eth0"}
		if strings.Contains(addr, ":") {
			args = append(args, "nodad")
		}
		ns.IP(b, args...)
	}
	return node, peer
}

// BenchmarkVersusResourceAgents runs start, monitor and stop of both
// agents, alternating, in the same namespace, and prints medians and
// ratios. Run with make bench (-benchtime 30x: 30 rounds).
func BenchmarkVersusResourceAgents(b *testing.B) {
	nsN, peer := benchPair(b, "192.168.60.1/24", "192.168.60.2/24")

	// The peer timestamps the first ARP announcing the VIP.
	arps := make(chan time.Time, 64)
	var conn *garp.Conn
	peer.Do(b, func() {
		var err error
		if conn, err = garp.Dial("eth0"); err != nil {
			b.Fatal(err)
		}
	})
	b.Cleanup(func() { conn.Close() })
	go func() {
		for {
			p, _, err := conn.Read()
			if err != nil {
				return
			}
			if p.SenderIP == netip.MustParseAddr(vip) {
				arps <- time.Now()
			}
		}
	}()

	goFloor := emptyGoProgram(b)
	agents := []struct{ name, path string }{{"ocfnet", agentBin}, {"resource-agents", referenceAgent}}
	results := map[string]map[string][]sample{"floor": {}}
	for _, a := range agents {
		results[a.name] = map[string][]sample{}
	}
	rsctmp := b.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "OCF_ROOT=/usr/lib/ocf", "HA_RSCTMP=" + rsctmp,
		"OCF_RESOURCE_INSTANCE=vip", "OCF_RESKEY_ip=" + vip}
	recurring := append(append([]string(nil), env...), "OCF_RESKEY_CRM_meta_interval=10000")
	drain := func() {
		for {
			select {
			case <-arps:
			case <-time.After(300 * time.Millisecond):
				return
			}
		}
	}
	b.ResetTimer()
	for range b.N {
		for _, a := range agents {
			nsN.Do(b, func() {
				drain()
				began := time.Now()
				s := invoke(b, a.path, "start", env)
				select {
				case at := <-arps:
					s.firstARP = at.Sub(began)
				case <-time.After(3 * time.Second):
					b.Errorf("%s: no ARP seen after start", a.name)
				}
				results[a.name]["start"] = append(results[a.name]["start"], s)
				results[a.name]["monitor"] = append(results[a.name]["monitor"], invoke(b, a.path, "monitor", recurring))
				results[a.name]["stop"] = append(results[a.name]["stop"], invoke(b, a.path, "stop", env))
			})
		}
		// The floor: creating any process at all, measured the same way.
		results["floor"]["true"] = append(results["floor"]["true"], invoke(b, "/bin/true", "", env))
		results["floor"]["go"] = append(results["floor"]["go"], invoke(b, goFloor, "", env))
		results["floor"]["version"] = append(results["floor"]["version"], invoke(b, agentBin, "--version", env))
	}
	b.StopTimer()
	if b.N < 5 {
		return // the calibration round; the table comes from the real one
	}
	report(b, results)
}

func report(b *testing.B, results map[string]map[string][]sample) {
	var out strings.Builder
	fmt.Fprintf(&out, "\nIPaddr2, %d rounds, medians (ocfnet | resource-agents %s | ratio)\n", len(results["ocfnet"]["start"]), referenceAgent)
	fmt.Fprintf(&out, "%-22s %12s %16s %10s\n", "measure", "ocfnet", "resource-agents", "ratio")
	row := func(name string, ours, ref time.Duration) {
		ratio := float64(ours) / float64(ref)
		fmt.Fprintf(&out, "%-22s %12v %16v %10s\n", name, ours.Round(10*time.Microsecond), ref.Round(10*time.Microsecond), fmt.Sprintf("1/%.0f", 1/ratio))
		b.ReportMetric(ratio, strings.ReplaceAll(name, " ", "-")+"-ratio")
	}
	pick := func(agent, action string, f func(sample) time.Duration) time.Duration {
		var ds []time.Duration
		for _, s := range results[agent][action] {
			ds = append(ds, f(s))
		}
		return median(ds)
	}
	wall := func(s sample) time.Duration { return s.wall }
	cpu := func(s sample) time.Duration { return s.cpu }
	arp := func(s sample) time.Duration { return s.firstARP }
	for _, action := range []string{"monitor", "start", "stop"} {
		row(action+" wall", pick("ocfnet", action, wall), pick("resource-agents", action, wall))
		row(action+" cpu", pick("ocfnet", action, cpu), pick("resource-agents", action, cpu))
	}
	row("start to first ARP", pick("ocfnet", "start", arp), pick("resource-agents", "start", arp))
	fmt.Fprintf(&out, "floor: exec of /bin/true measured the same way: wall %v, cpu %v\n",
		pick("floor", "true", wall).Round(10*time.Microsecond), pick("floor", "true", cpu).Round(10*time.Microsecond))
	goWall := pick("floor", "go", wall)
	fmt.Fprintf(&out, "floor: an empty static Go program, measured the same way: wall %v, cpu %v (the reference monitor takes %.0f times as long)\n",
		goWall.Round(10*time.Microsecond), pick("floor", "go", cpu).Round(10*time.Microsecond),
		float64(pick("resource-agents", "monitor", wall))/float64(goWall))
	fmt.Fprintf(&out, "monitor over the empty Go program: wall %.2fx (issue 13's budget: 1.5x)\n",
		float64(pick("ocfnet", "monitor", wall))/float64(goWall))
	fmt.Fprintf(&out, "startup: ocfnet's IPaddr2 --version (start and exit, no work): wall %v, cpu %v\n",
		pick("floor", "version", wall).Round(10*time.Microsecond), pick("floor", "version", cpu).Round(10*time.Microsecond))
	fmt.Print(out.String())
}
