package pcmk

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// fakeProc is a process of a fake /proc.
type fakeProc struct {
	pid, ppid int
	comm, exe string
	state     byte
	start     uint64
}

// makeProc writes procs as a /proc tree: <pid>/stat as the kernel writes
// it (proc(5), 52 fields) and <pid>/exe as a symbolic link.
func makeProc(t *testing.T, procs ...fakeProc) string {
	t.Helper()
	root := t.TempDir()
	for _, p := range procs {
		dir := filepath.Join(root, strconv.Itoa(p.pid))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		state := p.state
		if state == 0 {
			state = 'S'
		}
		stat := fmt.Sprintf("%d (%s) %c %d %d %d 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 %d 1000 100", p.pid, p.comm, state, p.ppid, p.pid, p.pid, p.start)
		for range 52 - 23 {
			stat += " 0"
		}
		if err := os.WriteFile(filepath.Join(dir, "stat"), []byte(stat+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if p.exe != "" {
			if err := os.Symlink(p.exe, filepath.Join(dir, "exe")); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

func TestExecutor(t *testing.T) {
	const agent = 500
	init := fakeProc{pid: 1, comm: "systemd", exe: "/usr/lib/systemd/systemd", start: 1}
	pacemakerd := fakeProc{pid: 100, ppid: 1, comm: "pacemakerd", exe: "/usr/sbin/pacemakerd", start: 50}
	execd := fakeProc{pid: 110, ppid: 100, comm: "pacemaker-execd", exe: "/usr/libexec/pacemaker/pacemaker-execd", start: 60}
	agentOf := func(ppid int) fakeProc {
		return fakeProc{pid: agent, ppid: ppid, comm: "VIPArip", exe: "/usr/lib/ocf/resource.d/ocfnet/VIPArip", start: 900}
	}
	tests := []struct {
		name  string
		procs []fakeProc
		want  Proc
		ok    bool
	}{
		{"run by pacemaker-execd", []fakeProc{init, pacemakerd, execd, agentOf(110)}, Proc{110, 60}, true},
		{"run by pacemaker-remoted", []fakeProc{init,
			{pid: 120, ppid: 1, comm: "pacemaker-remot", exe: "/usr/sbin/pacemaker-remoted", start: 70}, agentOf(120)}, Proc{120, 70}, true},
		{"executor upgraded under it", []fakeProc{init, pacemakerd,
			{pid: 110, ppid: 100, comm: "pacemaker-execd", exe: "/usr/libexec/pacemaker/pacemaker-execd (deleted)", start: 60}, agentOf(110)}, Proc{110, 60}, true},
		{"through a forking wrapper", []fakeProc{init, pacemakerd, execd,
			{pid: 400, ppid: 110, comm: "sh", exe: "/usr/bin/dash", start: 800}, agentOf(400)}, Proc{110, 60}, true},
		{"crm_resource --force-start", []fakeProc{init,
			{pid: 300, ppid: 1, comm: "bash", exe: "/usr/bin/bash", start: 10},
			{pid: 310, ppid: 300, comm: "crm_resource", exe: "/usr/sbin/crm_resource", start: 700}, agentOf(310)}, Proc{}, false},
		{"ocf-tester", []fakeProc{init,
			{pid: 300, ppid: 1, comm: "bash", exe: "/usr/bin/bash", start: 10},
			{pid: 320, ppid: 300, comm: "ocf-tester", exe: "/usr/bin/bash", start: 700}, agentOf(320)}, Proc{}, false},
		{"a process merely named pacemaker-execd", []fakeProc{init,
			{pid: 330, ppid: 1, comm: "pacemaker-execd", exe: "/tmp/impostor", start: 10}, agentOf(330)}, Proc{}, false},
		{"parent gone (reparented to init)", []fakeProc{init, agentOf(1)}, Proc{}, false},
		{"parent vanished while walking", []fakeProc{agentOf(4242)}, Proc{}, false},
		{"exe unreadable", []fakeProc{init, {pid: 110, ppid: 1, comm: "pacemaker-execd", start: 60}, agentOf(110)}, Proc{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := Executor(makeProc(t, tt.procs...), agent)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || ok != tt.ok {
				t.Errorf("Executor = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestExecutorLoopBounded(t *testing.T) {
	// A corrupt tree where two processes are each other's parent must
	// not loop forever.
	root := makeProc(t,
		fakeProc{pid: 500, ppid: 600, comm: "a", exe: "/bin/a", start: 1},
		fakeProc{pid: 600, ppid: 500, comm: "b", exe: "/bin/b", start: 1})
	if _, ok, err := Executor(root, 500); ok || err != nil {
		t.Errorf("Executor = %v, %v; want not found", ok, err)
	}
}

func TestAlive(t *testing.T) {
	root := makeProc(t,
		fakeProc{pid: 110, ppid: 1, comm: "pacemaker-execd", exe: "/usr/sbin/pacemaker-execd", start: 60},
		fakeProc{pid: 111, ppid: 1, comm: "pacemaker-execd", exe: "/usr/sbin/pacemaker-execd", state: 'Z', start: 61},
		fakeProc{pid: 112, ppid: 1, comm: "a (weird) name", exe: "/usr/sbin/pacemaker-execd", start: 62})
	tests := []struct {
		name string
		p    Proc
		want bool
	}{
		{"running", Proc{110, 60}, true},
		{"pid reused by a later process", Proc{110, 59}, false},
		{"zombie: killed and never reaped", Proc{111, 61}, false},
		{"gone", Proc{113, 60}, false},
		{"parentheses in the command name", Proc{112, 62}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Alive(root, tt.p); got != tt.want {
				t.Errorf("Alive(%+v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

// TestExecutorRealProc: this test process is no agent of Pacemaker's
// (go test runs it), and its own stat parses.
func TestExecutorRealProc(t *testing.T) {
	if _, ok, err := Executor("/proc", os.Getpid()); err != nil || ok {
		t.Errorf("Executor(self) = %v, %v; want no executor", ok, err)
	}
	st, err := readStat("/proc", os.Getpid())
	if err != nil || st.ppid != os.Getppid() {
		t.Errorf("readStat(self) = %+v, %v; want ppid %d", st, err, os.Getppid())
	}
}
