package testnet

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// KillStack crashes the node's cluster stack: corosync, pacemakerd and
// every Pacemaker daemon of the node get SIGKILL, as from the OOM killer
// or a fatal bug. What resource agents left running (VIPArip's announcer)
// lives on, as under pacemaker.service's KillMode=process. The node can
// run no more commands afterwards (Run enters pacemakerd's namespaces).
// It returns the pids it killed.
func (node *ClusterNode) KillStack(t testing.TB) []int {
	t.Helper()
	mnt, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/mnt", node.pid))
	if err != nil {
		t.Fatalf("%s: %v", node.Name, err)
	}
	var killed []int
	// pacemakerd respawns the daemons it sees die: it goes first, and a
	// second round catches a child forked meanwhile.
	for range 3 {
		pids := stackPids(mnt)
		if len(pids) == 0 {
			return killed
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			killed = append(killed, pid)
		}
		for _, pid := range pids {
			for i := 0; i < 200 && alive(pid); i++ {
				time.Sleep(5 * time.Millisecond)
			}
		}
	}
	if left := stackPids(mnt); len(left) > 0 {
		t.Fatalf("%s: cluster stack still running after SIGKILL: %v", node.Name, left)
	}
	return killed
}

// stackPids lists the live corosync and Pacemaker processes whose mount
// namespace is mnt, pacemakerd first.
func stackPids(mnt string) []int {
	dirs, _ := os.ReadDir("/proc")
	var pids []int
	first := -1
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || !alive(pid) {
			continue
		}
		if ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/mnt", pid)); err != nil || ns != mnt {
			continue
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil {
			continue
		}
		name := filepath.Base(strings.TrimSuffix(exe, " (deleted)"))
		switch {
		case name == "pacemakerd":
			first = pid
		case name == "corosync" || strings.HasPrefix(name, "pacemaker-"):
			pids = append(pids, pid)
		}
	}
	if first > 0 {
		pids = slices.Insert(pids, 0, first)
	}
	return pids
}

// restartScript starts corosync and pacemakerd again in a node's existing
// namespaces, with the state the dead stack left there. $1 node name, $2
// the cluster directory.
const restartScript = `corosync -f >> "$2/$1.corosync.log" 2>&1 &
PCMK_logfile="$2/$1.pacemaker.log" exec /usr/sbin/pacemakerd -f >> "$2/$1.pacemakerd.out" 2>&1
`

// RestartStack starts node's cluster stack again after KillStack, as
// systemctl start pacemaker would, in the node's namespaces, which the
// process survivor (say the announcer) kept alive. It waits until every
// node is online again.
func (c *Cluster) RestartStack(t testing.TB, node *ClusterNode, survivor int) {
	t.Helper()
	cmd := exec.Command("nsenter", "-t", strconv.Itoa(survivor), "-m", "-n", "-u", "--",
		"sh", "-c", restartScript, "sh", node.Name, c.dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("restarting %s's stack: %v", node.Name, err)
	}
	node.NS.mu.Lock()
	node.NS.cmds = append(node.NS.cmds, cmd)
	node.NS.mu.Unlock()
	node.pid = cmd.Process.Pid // nsenter execs sh, which execs pacemakerd
	c.WaitOnline(t, 60*time.Second)
}

// PacemakerLog returns the node's Pacemaker log so far; the agents log
// there too (Pacemaker passes HA_LOGFILE).
func (c *Cluster) PacemakerLog(t testing.TB, node string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, node+".pacemaker.log"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
