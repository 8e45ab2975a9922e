package testnet

import (
	"os"
	"strings"
	"testing"
)

// TestClusterLeavesNothing forms a two-node cluster, then checks that its
// cleanup leaves no namespace, no process and no mount behind, and that
// the root namespace's mounts are unchanged.
func TestClusterLeavesNothing(t *testing.T) {
	RequireRoot(t)
	mountsBefore := rootMounts(t)
	var names []string
	var pids []int
	t.Run("cluster", func(t *testing.T) {
		n := New(t)
		lan := n.NS("lan")
		br := n.Bridge(lan, "br0")
		c := n.Cluster(t, lan, br, []string{"nA", "nB"}, []string{"192.168.1.11/24", "192.168.1.12/24"})
		for _, node := range c.Nodes {
			names = append(names, node.NS.Name)
			pids = append(pids, nsPids(node.NS.Name)...)
			// The node's private state really is private: its tmpfs mounts
			// are visible inside it, not in the root mount namespace.
			if out := node.Run(t, "sh", "-c", "grep -c ' /var/lib/pacemaker ' /proc/self/mountinfo"); strings.TrimSpace(out) == "0" {
				t.Errorf("%s has no private /var/lib/pacemaker", node.Name)
			}
		}
		if len(pids) < 4 {
			t.Fatalf("only %d processes in the nodes: corosync and pacemaker are not running", len(pids))
		}
	})
	if after := rootMounts(t); after != mountsBefore {
		t.Errorf("the root mount namespace changed:\nbefore:\n%s\nafter:\n%s", mountsBefore, after)
	}
	out := netnsList(t)
	for _, name := range names {
		if strings.Contains(out, name) {
			t.Errorf("namespace %s left", name)
		}
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("process %d of the cluster still alive", pid)
		}
	}
}

// rootMounts lists this mount namespace's mount points, without the
// /run/netns bind mounts that other packages' tests, running in parallel,
// add and remove.
func rootMounts(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) > 4 && !strings.Contains(f[4], "/netns") {
			keep = append(keep, f[4])
		}
	}
	return strings.Join(keep, "\n")
}
