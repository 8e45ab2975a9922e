package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/announce"
	"github.com/ocfnet/ocfnet/pkg/proc"
)

// TestLinuxFaults kills start, stop and the announcer with SIGKILL (as a
// Pacemaker timeout does) at random instants, many times, and checks
// after each fault what the node shows and what reaches the router:
//   - a probe tells the truth: 7 only when nothing of the resource is left
//     (VIP, registry files), 0 only when it fully runs, 1 otherwise;
//   - after a start returns 0, the VIP is held, a recurring monitor says 0
//     and the router hears the route with the takeover metric within a
//     second;
//   - after a stop returns 0, nothing of the resource is left (VIP,
//     registry entry, send stamp, temp files, lock), and no announcement
//     of the VIP with a metric below 16 reaches the router after its
//     poison.
//
// Each run uses a VIP of its own, so the poison checks are made once at
// the end. OCFNET_FAULT_SEED=<seed> replays a run's choices (the kill
// instants land differently all the same: they are times, not syscalls).
func TestLinuxFaults(t *testing.T) {
	l := newLab(t)
	f := &faults{t: t, n: l.s1, capture: listenRIP(t, l), stopped: map[string]time.Time{},
		log: filepath.Join(t.TempDir(), "agents.log")}
	defer func() {
		if t.Failed() {
			f.showLog()
		}
	}()
	seed := time.Now().UnixNano()
	if s := os.Getenv("OCFNET_FAULT_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseInt(s, 10, 64); err != nil {
			t.Fatalf("OCFNET_FAULT_SEED: %v", err)
		}
	}
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))

	// How long the actions take here: the kill instants are spread over
	// that, and a little beyond.
	var startTook, stopTook time.Duration
	for i := range 3 {
		ip := fmt.Sprintf("192.168.13.%d", 200+i)
		startTook = max(startTook, f.start(ip))
		stopTook = max(stopTook, f.stop(ip))
	}
	t.Logf("start takes up to %v, stop up to %v", startTook, stopTook)

	const runs = 60
	budget := time.Now().Add(45 * time.Second)
	counts := map[string]int{}
	for i := 0; i < runs && time.Now().Before(budget); i++ {
		ip := fmt.Sprintf("192.168.13.%d", 10+i)
		switch rng.IntN(4) {
		case 0:
			counts["start killed"]++
			f.killed(ip, "start", randUpTo(rng, startTook*3/2))
		case 1:
			counts["stop killed"]++
			f.start(ip)
			f.killed(ip, "stop", randUpTo(rng, stopTook*3/2))
		case 2:
			counts["announcer killed"]++
			f.start(ip)
			time.Sleep(randUpTo(rng, 1200*time.Millisecond)) // the announcer cycles once a second
			f.killAnnouncer()
		case 3:
			counts["announcer killed during a start"]++
			f.start(ip)
			killed := make(chan struct{})
			go func() {
				defer close(killed)
				time.Sleep(randUpTo(rng2(seed, i), startTook*3/2))
				f.killAnnouncer()
			}()
			f.startOnly(ip) // the announcer may die after it returned: no monitor
			<-killed
		}
		// What Pacemaker does next: stop whatever is not fully running;
		// a start over what was left, or a stop, after that.
		code := f.probe(ip)
		t.Logf("run %d: %s, probe %d", i, ip, code)
		if code != 0 || rng.IntN(2) == 0 {
			f.stop(ip)
		}
		if rng.IntN(2) == 0 {
			f.start(ip)
		}
		f.stop(ip)
		if t.Failed() {
			t.Fatalf("run %d (%s), seed %d", i, ip, seed)
		}
	}
	t.Logf("faults: %v", counts)
	time.Sleep(2 * time.Second) // the announcer refreshes each second: a leak would show
	for ip, began := range f.stopped {
		checkWithdrawn(t, f.capture, f.n.addr, ip, began)
	}
}

// faults runs the agent on one node and checks it after each step.
type faults struct {
	t       *testing.T
	n       *node
	capture *testnet.Capture
	stopped map[string]time.Time // when the last stop of each VIP began
	log     string
}

// params are ip's resource's, with the agents' log in a file the test
// shows when it fails.
func (f *faults) params(ip string) []string {
	return []string{"ip=" + ip, "interval=1", "takeover_time=1", "HA_LOGFILE=" + f.log}
}

// showLog shows the agents' log.
func (f *faults) showLog() {
	b, _ := os.ReadFile(f.log)
	f.t.Logf("agents' log:\n%s", b)
}

func randUpTo(rng *rand.Rand, d time.Duration) time.Duration {
	return time.Duration(rng.Int64N(int64(d) + 1))
}

// start runs start to completion and checks its promises, a recurring
// monitor included; it returns how long start took.
func (f *faults) start(ip string) time.Duration {
	f.t.Helper()
	took := f.startOnly(ip)
	f.n.expect(f.t, 0, "monitor", append(f.params(ip), recv)...)
	return took
}

// startOnly runs start to completion and checks the VIP is held and the
// router hears the takeover metric within a second after start returned.
func (f *faults) startOnly(ip string) time.Duration {
	f.t.Helper()
	began := time.Now()
	code, stderr := f.n.run(f.t, "start", f.params(ip)...)
	took := time.Since(began)
	if code != 0 {
		f.t.Fatalf("start %s: %d\n%s", ip, code, stderr)
	}
	if !f.n.left(f.t, ip).held {
		f.t.Fatalf("start returned 0 without the VIP held")
	}
	awaitMetric(f.t, f.capture, f.n.addr, ip, 1, began, time.Second+took)
	delete(f.stopped, ip)
	return took
}

// rng2 is a generator of its own for a goroutine (rand.Rand is not safe
// for concurrent use), derived from the run's seed.
func rng2(seed int64, run int) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), uint64(run)+1)) }

// stop runs stop to completion and checks nothing is left; it returns
// how long stop took.
func (f *faults) stop(ip string) time.Duration {
	f.t.Helper()
	began := time.Now()
	f.n.expect(f.t, 0, "stop", f.params(ip)...)
	took := time.Since(began)
	f.n.expectClean(f.t, ip)
	f.stopped[ip] = began
	return took
}

// killed runs action and kills it with its process group after d.
func (f *faults) killed(ip, action string, d time.Duration) {
	f.t.Helper()
	cmd := exec.Command("ip", "netns", "exec", f.n.ns.Name, agentBin, action)
	cmd.Env = append(os.Environ(), f.n.environ(f.params(ip)...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		f.t.Fatal(err)
	}
	time.Sleep(d)
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Wait()
}

// announcer returns the node's announcer pid, or 0, without waiting.
func (f *faults) announcer() int {
	return announcerPid(announce.Registry{Dir: f.n.registryDir()})
}

// killAnnouncer kills the node's announcer, if one runs, and waits until
// it is dead (at most 5 s): a signal is delivered at once, the process ends a moment
// later.
func (f *faults) killAnnouncer() {
	f.t.Helper()
	pid := f.announcer()
	if pid == 0 {
		return
	}
	syscall.Kill(pid, syscall.SIGKILL)
	if !testnet.Eventually(5*time.Second, time.Millisecond, func() bool { return !proc.Alive(pid) }) {
		f.t.Errorf("announcer %d alive 5 s after SIGKILL", pid) // not Fatal: also called from a goroutine
	}
}

// probe runs a probe and checks its answer against what is on the node.
// The announcer is frozen meanwhile, so that the two see the same state
// (it withdraws the entry of a VIP the node lost within a second).
func (f *faults) probe(ip string) int {
	f.t.Helper()
	if pid := f.announcer(); pid != 0 {
		syscall.Kill(pid, syscall.SIGSTOP)
		defer syscall.Kill(pid, syscall.SIGCONT)
	}
	code, stderr := f.n.run(f.t, "monitor", f.params(ip)...)
	st := f.n.left(f.t, ip)
	registered := slices.Contains(st.files, ip+".route")
	switch {
	case code == 7 && !st.nothing():
		f.t.Errorf("probe: 7 with %s", st)
	case code == 0 && (!st.held || !registered || f.announcer() == 0):
		f.t.Errorf("probe: 0 with %s, announcer %d", st, f.announcer())
	case code == 1 && st.nothing():
		f.t.Errorf("probe: 1 with nothing left: %s", stderr)
	case code != 0 && code != 1 && code != 7:
		f.t.Errorf("probe: %d: %s", code, stderr)
	}
	return code
}
