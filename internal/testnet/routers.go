package testnet

import (
	"encoding/json"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FRR is an FRR zebra + ripd pair running inside a namespace, with its
// configuration, sockets and logs in a directory of its own so several
// routers (and a system FRR) never share anything.
type FRR struct {
	ns  *NS
	dir string
}

// StartFRR starts zebra and ripd in ns with ripdConf as ripd's
// configuration (FRR syntax: key chains, interfaces, router rip).
func (ns *NS) StartFRR(t testing.TB, ripdConf string) *FRR {
	t.Helper()
	return ns.startFRR(t, "ripd", ripdConf)
}

// StartFRRNg starts zebra and ripngd (RIPng, RFC 2080) in ns with
// ripngdConf as ripngd's configuration (router ripng, network IFNAME).
func (ns *NS) StartFRRNg(t testing.TB, ripngdConf string) *FRR {
	t.Helper()
	return ns.startFRR(t, "ripngd", ripngdConf)
}

func (ns *NS) startFRR(t testing.TB, daemon, conf string) *FRR {
	t.Helper()
	for _, p := range []string{"/usr/lib/frr/zebra", "/usr/lib/frr/" + daemon, "/usr/bin/vtysh"} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s missing: run make deps", p)
		}
	}
	dir := ns.daemonDir(t, "frr")
	write(t, filepath.Join(dir, "zebra.conf"), "hostname "+ns.Name+"\n", "frr")
	write(t, filepath.Join(dir, daemon+".conf"), "hostname "+ns.Name+"\n"+conf, "frr")
	f := &FRR{ns: ns, dir: dir}
	common := []string{"-z", filepath.Join(dir, "zserv.api"), "--vty_socket", dir, "-u", "frr", "-g", "frr",
		"-A", "127.0.0.1", "--log", "file:" + filepath.Join(dir, "log")}
	ns.Start(t, append([]string{"/usr/lib/frr/zebra", "-f", filepath.Join(dir, "zebra.conf"), "-i", filepath.Join(dir, "zebra.pid")}, common...)...)
	waitFile(t, filepath.Join(dir, "zserv.api"))
	ns.Start(t, append([]string{"/usr/lib/frr/" + daemon, "-f", filepath.Join(dir, daemon+".conf"), "-i", filepath.Join(dir, daemon+".pid")}, common...)...)
	waitFile(t, filepath.Join(dir, daemon+".vty"))
	return f
}

// Vtysh runs a vtysh command against this router.
func (f *FRR) Vtysh(t testing.TB, command string) string {
	t.Helper()
	return f.ns.Run(t, "vtysh", "--vty_socket", f.dir, "-c", command)
}

// WaitRIP waits until ripd runs RIP on every interface in ifnames: only
// then has it joined 224.0.0.9 there.
func (f *FRR) WaitRIP(t testing.TB, ifnames ...string) {
	t.Helper()
	f.waitStatus(t, "show ip rip status", ifnames)
}

// WaitRIPng waits until ripngd has joined ff02::9 on every interface in
// ifnames: it lists them in its status a second before it does.
func (f *FRR) WaitRIPng(t testing.TB, ifnames ...string) {
	t.Helper()
	for range 500 {
		ready := true
		for _, name := range ifnames {
			if !strings.Contains(f.ns.IP(t, "-6", "maddr", "show", "dev", name), " ff02::9\n") {
				ready = false
			}
		}
		if ready {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("ripngd in %s never joined ff02::9 on %v:\n%s", f.ns.Name, ifnames, f.Log())
}

func (f *FRR) waitStatus(t testing.TB, command string, ifnames []string) {
	t.Helper()
	for range 500 {
		status := f.Vtysh(t, command)
		ready := true
		for _, name := range ifnames {
			if !strings.Contains(status, "\n    "+name+" ") {
				ready = false
			}
		}
		if ready {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("ripd in %s never enabled %v:\n%s", f.ns.Name, ifnames, f.Log())
}

// Log returns the daemons' log.
func (f *FRR) Log() string {
	b, _ := os.ReadFile(filepath.Join(f.dir, "log"))
	return string(b)
}

// BIRD is a BIRD 2 daemon running inside a namespace.
type BIRD struct {
	ns     *NS
	socket string
	log    string
}

// StartBIRD starts bird in ns with conf as its whole configuration.
func (ns *NS) StartBIRD(t testing.TB, conf string) *BIRD {
	t.Helper()
	if _, err := os.Stat("/usr/sbin/bird"); err != nil {
		t.Fatal("/usr/sbin/bird missing: run make deps")
	}
	dir := ns.daemonDir(t, "bird")
	b := &BIRD{ns: ns, socket: filepath.Join(dir, "bird.ctl"), log: filepath.Join(dir, "log")}
	conf = "log \"" + b.log + "\" all;\n" + conf
	write(t, filepath.Join(dir, "bird.conf"), conf, "bird")
	ns.Start(t, "/usr/sbin/bird", "-f", "-c", filepath.Join(dir, "bird.conf"), "-s", b.socket, "-P", filepath.Join(dir, "bird.pid"))
	waitFile(t, b.socket)
	return b
}

// Birdc runs a birdc command against this daemon.
func (b *BIRD) Birdc(t testing.TB, command string) string {
	t.Helper()
	return b.ns.Run(t, "birdc", "-s", b.socket, command)
}

// WaitRIP waits until the RIP protocol is up on every interface in
// ifnames.
func (b *BIRD) WaitRIP(t testing.TB, ifnames ...string) {
	t.Helper()
	for range 500 {
		// The control socket file exists slightly before bird accepts on it.
		out, _, code, _ := b.ns.RunErr("birdc", "-s", b.socket, "show rip interfaces")
		ready := code == 0
		for _, name := range ifnames {
			if !strings.Contains(out, name+" ") || !strings.Contains(out, "Up") {
				ready = false
			}
		}
		if ready {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("bird in %s never enabled RIP on %v:\n%s", b.ns.Name, ifnames, b.Log())
}

// Log returns the daemon's log.
func (b *BIRD) Log() string {
	out, _ := os.ReadFile(b.log)
	return string(out)
}

// Route is an entry of a namespace's main routing table.
type Route struct {
	Dst      string `json:"dst"`
	Gateway  string `json:"gateway"`
	Dev      string `json:"dev"`
	Protocol string `json:"protocol"`
	Metric   int    `json:"metric"`
	Nexthops []struct {
		Gateway string `json:"gateway"`
	} `json:"nexthops"`
}

// Via returns the route's gateways (several for ECMP routes).
func (r Route) Via() []string {
	if r.Gateway != "" {
		return []string{r.Gateway}
	}
	var out []string
	for _, nh := range r.Nexthops {
		out = append(out, nh.Gateway)
	}
	return out
}

// Route returns the main-table route for exactly dst (an IPv4 or IPv6
// address or prefix), if there is one.
func (ns *NS) Route(t testing.TB, dst string) (Route, bool) {
	t.Helper()
	var routes []Route
	family := "-4"
	if strings.Contains(dst, ":") {
		family = "-6"
	}
	if err := json.Unmarshal([]byte(ns.IP(t, family, "-j", "route", "show", "exact", dst)), &routes); err != nil {
		t.Fatalf("ip route show exact %s: %v", dst, err)
	}
	if len(routes) == 0 {
		return Route{}, false
	}
	return routes[0], true
}

// WaitRoute polls until the route to dst satisfies ok or within passes; it
// returns how long that took and whether it happened.
func (ns *NS) WaitRoute(t testing.TB, dst string, within time.Duration, ok func(Route, bool) bool) (time.Duration, bool) {
	t.Helper()
	start := time.Now()
	for {
		r, found := ns.Route(t, dst)
		if ok(r, found) {
			return time.Since(start), true
		}
		if time.Since(start) > within {
			return time.Since(start), false
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// daemonDir makes a directory the daemon's unprivileged user can use.
func (ns *NS) daemonDir(t testing.TB, owner string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ocfnet-"+owner+"-")
	if err != nil {
		t.Fatal(err)
	}
	// Cleanups run last-in first-out, so this one runs before the
	// namespace's: the daemons must be gone first, or they write their
	// log and sockets again into the removed directory.
	t.Cleanup(func() {
		ns.stopProcs()
		os.RemoveAll(dir)
	})
	chown(t, dir, owner)
	return dir
}

func write(t testing.TB, path, text, owner string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o640); err != nil {
		t.Fatal(err)
	}
	chown(t, path, owner)
}

// chown gives path to owner when that user exists (bird may run as root).
func chown(t testing.TB, path, owner string) {
	t.Helper()
	u, err := user.Lookup(owner)
	if err != nil {
		return
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
}

// waitFile waits until a daemon has created path (its socket).
func waitFile(t testing.TB, path string) {
	t.Helper()
	for range 500 {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	out, _ := exec.Command("ls", "-la", filepath.Dir(path)).CombinedOutput()
	t.Fatalf("%s did not appear: %s", path, strings.TrimSpace(string(out)))
}
