package testnet

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Cluster is a Pacemaker/Corosync cluster whose nodes are namespaces:
// each node has its own network, mount and UTS namespaces, with private
// /run, /dev/shm and Pacemaker/Corosync state, so nodes share nothing but
// the installed programs. No systemd is involved.
type Cluster struct {
	Nodes []*ClusterNode
	dir   string
}

// ClusterNode is one node: Name is its hostname and Corosync node name.
type ClusterNode struct {
	Name string
	NS   *NS
	Addr string
	pid  int // pacemakerd: its namespaces are the node's
}

// nodeScript runs inside "unshare -m -u": it makes the node's private
// state, starts corosync, then becomes pacemakerd. $1 node name, $2 the
// cluster directory.
const nodeScript = `set -e
mount --make-rprivate /
hostname "$1"
for d in /run /dev/shm /var/lib/pacemaker /var/log/pacemaker /var/lib/corosync /etc/corosync; do
	mount -t tmpfs tmpfs "$d"
done
mkdir -p /run/crm /run/resource-agents /var/lib/pacemaker/cib /var/lib/pacemaker/pengine \
	/var/lib/pacemaker/blackbox /var/lib/pacemaker/cores
cp "$2/corosync.conf" /etc/corosync/corosync.conf
cp "$2/cib.xml" /var/lib/pacemaker/cib/cib.xml
chown -R hacluster:haclient /var/lib/pacemaker /var/log/pacemaker /run/crm
chmod 600 /var/lib/pacemaker/cib/cib.xml
corosync -f > "$2/$1.corosync.log" 2>&1 &
PCMK_logfile="$2/$1.pacemaker.log" exec /usr/sbin/pacemakerd -f > "$2/$1.pacemakerd.out" 2>&1
`

// initialCIB lets the cluster elect its DC at once (dc-deadtime) and run
// resources without fencing, which namespaces cannot do.
const initialCIB = `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
        <nvpair id="opt-deadtime" name="dc-deadtime" value="2s"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
`

// Cluster starts a cluster of the named nodes, each plugged into bridge br
// of lan with the given address (a.b.c.d/len), and waits until they are
// all online with a DC elected.
func (n *Net) Cluster(t testing.TB, lan *NS, br string, names, addrs []string) *Cluster {
	t.Helper()
	for _, p := range []string{"/usr/sbin/corosync", "/usr/sbin/pacemakerd", "/usr/sbin/crm_mon"} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s missing: run make deps", p)
		}
	}
	dir, err := os.MkdirTemp("", "ocfnet-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("cluster logs kept in %s", dir)
			return
		}
		os.RemoveAll(dir)
	})
	c := &Cluster{dir: dir}
	var nodelist strings.Builder
	for i, name := range names {
		ip, _, _ := strings.Cut(addrs[i], "/")
		fmt.Fprintf(&nodelist, "  node {\n    ring0_addr: %s\n    name: %s\n    nodeid: %d\n  }\n", ip, name, i+1)
		c.Nodes = append(c.Nodes, &ClusterNode{Name: name, Addr: ip})
	}
	conf := "totem {\n  version: 2\n  cluster_name: ocfnet\n  transport: knet\n  crypto_cipher: none\n  crypto_hash: none\n  token: 1000\n}\n" +
		"nodelist {\n" + nodelist.String() + "}\n" +
		"quorum {\n  provider: corosync_votequorum\n  two_node: 1\n}\n" +
		"logging {\n  to_stderr: yes\n  to_syslog: no\n  to_logfile: no\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "corosync.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cib.xml"), []byte(initialCIB), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, node := range c.Nodes {
		node.NS = n.NS(node.Name)
		n.Port(node.NS, "eth0", lan, br)
		node.NS.IP(t, "addr", "add", addrs[i], "dev", "eth0")
		cmd := node.NS.Start(t, "unshare", "-m", "-u", "sh", "-c", nodeScript, "sh", node.Name, dir)
		node.pid = cmd.Process.Pid
	}
	c.WaitOnline(t, 60*time.Second)
	return c
}

// Run runs args on node (inside its network, mount and UTS namespaces) and
// returns the combined output; it fails the test on error.
func (node *ClusterNode) Run(t testing.TB, args ...string) string {
	t.Helper()
	out, err := node.cmd(args...).CombinedOutput()
	if err != nil {
		t.Fatalf("on %s: %s: %v\n%s", node.Name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// RunErr is Run without failing.
func (node *ClusterNode) RunErr(args ...string) (string, error) {
	out, err := node.cmd(args...).CombinedOutput()
	return string(out), err
}

func (node *ClusterNode) cmd(args ...string) *exec.Cmd {
	return exec.Command("nsenter", append([]string{"-t", fmt.Sprint(node.pid), "-m", "-n", "-u", "--"}, args...)...)
}

// WaitOnline waits until every node is online and a DC is elected.
func (c *Cluster) WaitOnline(t testing.TB, within time.Duration) {
	t.Helper()
	want := "Online: [ " + c.names() + " ]"
	deadline := time.Now().Add(within)
	var out string
	for time.Now().Before(deadline) {
		out, _ = c.Nodes[0].RunErr("crm_mon", "-1")
		if strings.Contains(out, want) && strings.Contains(out, "Current DC:") && !strings.Contains(out, "Current DC: NONE") {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("cluster not formed within %v:\n%s", within, out)
}

func (c *Cluster) names() string {
	var names []string
	for _, n := range c.Nodes {
		names = append(names, n.Name)
	}
	return strings.Join(names, " ")
}

// Where returns the node a resource runs on ("" if stopped), from crm_resource.
func (c *Cluster) Where(t testing.TB, rsc string) string {
	t.Helper()
	out, _ := c.Nodes[0].RunErr("crm_resource", "--locate", "--resource", rsc)
	// "resource vip is running on: nA"
	if _, node, ok := strings.Cut(out, "is running on: "); ok {
		return strings.TrimSpace(strings.Fields(node)[0])
	}
	return ""
}

// Node returns the node called name, or nil.
func (c *Cluster) Node(name string) *ClusterNode {
	for _, n := range c.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// Other returns a node that is not called name.
func (c *Cluster) Other(name string) *ClusterNode {
	for _, n := range c.Nodes {
		if n.Name != name {
			return n
		}
	}
	return nil
}

// WaitWhere waits until rsc runs on want (any node when want is "") and
// returns that node's name.
func (c *Cluster) WaitWhere(t testing.TB, rsc, want string, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if w := c.Where(t, rsc); w != "" && (want == "" || w == want) {
			return w
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, _ := c.Nodes[0].RunErr("crm_mon", "-1")
	t.Fatalf("%s not running on %q within %v:\n%s", rsc, want, within, out)
	return ""
}

// DocumentedCRM returns the crm command the document at path gives for an
// ocf:ocfnet:<agent> primitive, continuation lines joined, as a user
// would paste it: tests run the README's definitions verbatim.
func DocumentedCRM(t testing.TB, path, agent string) []string {
	t.Helper()
	return documented(t, path, "crm configure primitive \\S+ ocf:ocfnet:"+agent)
}

// DocumentedPCS is DocumentedCRM for the pcs resource create command.
func DocumentedPCS(t testing.TB, path, agent string) []string {
	t.Helper()
	return documented(t, path, "pcs resource create \\S+ ocf:ocfnet:"+agent)
}

func documented(t testing.TB, path, start string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)" + start + ".*?\n```").Find(b)
	if m == nil {
		t.Fatalf("%s has no command matching %s", path, start)
	}
	return strings.Fields(strings.ReplaceAll(strings.TrimSuffix(string(m), "```"), "\\\n", " "))
}

// RIPUplinks gives the cluster the CLUSTERPRO example's shape: each node i
// gets an uplink eth1 on its own subnet 192.168.(10+i).0/24 (node .221,
// default route via the router's .220), and a remote client 192.168.12.223
// sits behind the same router. It returns the router (forwarding, no RIP
// daemon yet), the remote client and each node's uplink address.
func (n *Net) RIPUplinks(t testing.TB, c *Cluster) (router, remote *NS, uplink map[string]string) {
	t.Helper()
	router, remote = n.NS("router"), n.NS("remote")
	n.Veth(remote, "eth0", router, "eth2")
	router.IP(t, "addr", "add", "192.168.12.220/24", "dev", "eth2")
	remote.IP(t, "addr", "add", "192.168.12.223/24", "dev", "eth0")
	remote.IP(t, "route", "add", "default", "via", "192.168.12.220")
	router.Run(t, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	uplink = map[string]string{}
	for i, node := range c.Nodes {
		subnet, rif := fmt.Sprintf("192.168.%d.", 10+i), fmt.Sprintf("eth%d", i)
		n.Veth(node.NS, "eth1", router, rif)
		node.NS.IP(t, "addr", "add", subnet+"221/24", "dev", "eth1")
		node.NS.IP(t, "route", "add", "default", "via", subnet+"220")
		router.IP(t, "addr", "add", subnet+"220/24", "dev", rif)
		uplink[node.Name] = subnet + "221"
	}
	return router, remote, uplink
}
