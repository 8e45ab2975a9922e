package main

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ocfnet/ocfnet/pkg/announce"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// procEntry is one process of a fake /proc: pid, parent, executable.
type procEntry struct {
	pid, ppid int
	exe       string
}

// fakeProc writes a /proc with a stat (start time 1000+pid) and an exe
// link for each process.
func fakeProc(t *testing.T, procs ...procEntry) string {
	t.Helper()
	root := t.TempDir()
	for _, p := range procs {
		dir := filepath.Join(root, strconv.Itoa(p.pid))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		stat := fmt.Sprintf("%d (%s) S %d %d %d 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 %d 1000 100%s\n",
			p.pid, filepath.Base(p.exe), p.ppid, p.pid, p.pid, 1000+p.pid, strings.Repeat(" 0", 29))
		if err := os.WriteFile(filepath.Join(dir, "stat"), []byte(stat), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(p.exe, filepath.Join(dir, "exe")); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestOwnerOf(t *testing.T) {
	const agent = 900
	host, _ := os.Hostname()
	initProc := procEntry{1, 0, "/usr/lib/systemd/systemd"}
	tests := []struct {
		name  string
		procs []procEntry
		env   ocf.MapEnv
		want  *announce.Owner
	}{
		{"started by Pacemaker", []procEntry{initProc, {100, 1, "/usr/sbin/pacemakerd"},
			{110, 100, "/usr/libexec/pacemaker/pacemaker-execd"}, {agent, 110, "/usr/lib/ocf/resource.d/ocfnet/VIPArip"}},
			ocf.MapEnv{"OCF_RESKEY_CRM_meta_on_node": "nA", "OCF_RESOURCE_INSTANCE": "rvip"},
			&announce.Owner{PID: 110, Start: 1110, Node: "nA", Resource: "rvip"}},
		{"no node name from Pacemaker: the host name", []procEntry{initProc,
			{110, 1, "/usr/libexec/pacemaker/pacemaker-execd"}, {agent, 110, "/usr/lib/ocf/resource.d/ocfnet/VIPArip"}},
			ocf.MapEnv{"OCF_RESOURCE_INSTANCE": "rvip"},
			&announce.Owner{PID: 110, Start: 1110, Node: host, Resource: "rvip"}},
		{"crm_resource --force-start", []procEntry{initProc, {300, 1, "/usr/bin/bash"},
			{310, 300, "/usr/sbin/crm_resource"}, {agent, 310, "/usr/lib/ocf/resource.d/ocfnet/VIPArip"}},
			ocf.MapEnv{"OCF_RESOURCE_INSTANCE": "rvip"}, nil},
		{"ocf-tester", []procEntry{initProc, {300, 1, "/usr/bin/bash"},
			{320, 300, "/usr/bin/bash"}, {agent, 320, "/usr/lib/ocf/resource.d/ocfnet/VIPArip"}},
			ocf.MapEnv{"OCF_RESOURCE_INSTANCE": "rvip"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ownerOf(fakeProc(t, tt.procs...), agent, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
				t.Errorf("ownerOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSetOwner(t *testing.T) {
	vip := netip.MustParseAddr("192.168.13.229")
	old := &announce.Owner{PID: 110, Start: 1110, Node: "nA", Resource: "rvip"}
	restarted := &announce.Owner{PID: 210, Start: 5210, Node: "nA", Resource: "rvip"}
	tests := []struct {
		name       string
		registered *announce.Owner // nil: registered by hand
		unreg      bool            // stopped before the monitor records
		monitor    *announce.Owner // nil: a hand-run monitor
		want       *announce.Owner
		changed    bool
	}{
		{"same executor: nothing written", old, false, old, old, false},
		{"new executor after a restart adopts", old, false, restarted, restarted, true},
		{"cluster adopts a hand-started route it probes", nil, false, restarted, restarted, true},
		{"hand-run monitor changes nothing", old, false, nil, old, false},
		{"hand-run monitor of a hand-run start", nil, false, nil, nil, false},
		{"stopped meanwhile: not registered again", old, true, restarted, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := announce.Registry{Dir: t.TempDir()}
			e := announce.Entry{VIP: vip, Interface: "eth1", Owner: tt.registered}
			if err := reg.Put(e); err != nil {
				t.Fatal(err)
			}
			if tt.unreg {
				if err := reg.Delete(vip); err != nil {
					t.Fatal(err)
				}
			}
			changed, err := setOwner(reg, &e, tt.monitor)
			if err != nil || changed != tt.changed {
				t.Fatalf("setOwner = %v, %v; want %v", changed, err, tt.changed)
			}
			got, err := reg.Get(vip)
			if err != nil {
				t.Fatal(err)
			}
			if tt.unreg {
				if got != nil {
					t.Fatal("a stopped route was registered again")
				}
				return
			}
			if (got.Owner == nil) != (tt.want == nil) || (got.Owner != nil && *got.Owner != *tt.want) {
				t.Errorf("owner = %+v, want %+v", got.Owner, tt.want)
			}
		})
	}
}

func TestUnmanagedFromSavedCIB(t *testing.T) {
	defer func(r string) { fsRoot = r }(fsRoot)
	o := announce.Owner{PID: 110, Start: 1110, Node: "nA", Resource: "rvip"}
	cib := func(maintenance string) string {
		return `<cib><configuration><crm_config><cluster_property_set id="o">` +
			`<nvpair id="o-m" name="maintenance-mode" value="` + maintenance + `"/>` +
			`</cluster_property_set></crm_config><nodes/><resources/></configuration></cib>`
	}
	tests := []struct {
		name string
		cib  string // "" for none saved: a Pacemaker Remote node
		want bool
		err  bool
	}{
		{"Pacemaker Remote node: no saved configuration", "", false, false},
		{"maintenance mode", cib("true"), true, false},
		{"managed", cib("false"), false, false},
		{"half a file", "<cib><configuration>", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsRoot = t.TempDir()
			if tt.cib != "" {
				path := filepath.Join(fsRoot, "var/lib/pacemaker/cib/cib.xml")
				if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(tt.cib), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, _, err := unmanaged(o)
			if got != tt.want || (err != nil) != tt.err {
				t.Errorf("unmanaged = %v, %v; want %v, error %v", got, err, tt.want, tt.err)
			}
		})
	}
}
