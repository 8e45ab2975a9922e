// Package agenttest holds the checks every ocfnet agent's tests run, so
// each agent states once what it is and the checks stay the same for all:
// building the agent as shipped, the meta-data golden file and schemas,
// the README's parameter table, resource-agents' ocf-tester and ocft,
// crm_resource, crmsh and pcs.
package agenttest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// Paths of the installed product and of resource-agents' schemas.
const (
	OCFDir = "/usr/lib/ocf/resource.d/ocfnet"
	RADir  = "/usr/share/resource-agents"
)

// Build compiles the agent in the current directory as make build does,
// into a world-traversable directory (ocf-tester runs meta-data as
// nobody), and returns the binary and a cleanup.
func Build(name string) (string, func(), error) {
	dir, err := os.MkdirTemp("", "ocfnet-"+name+"-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	if err := os.Chmod(dir, 0o755); err != nil {
		cleanup()
		return "", nil, err
	}
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("building %s: %v\n%s", name, err, out)
	}
	return bin, cleanup, nil
}

// Main is an agent package's TestMain: when the privileged tests run (as
// root, outside make unit) it builds the agent once (Build) and stores the
// binary's path in *bin for them; otherwise those tests skip or fail
// through testnet.RequireRoot. It returns the code for os.Exit, after the
// cleanup.
func Main(m *testing.M, name string, bin *string) int {
	defer os.RemoveAll(unitStateDir)
	if !testnet.Privileged() {
		return m.Run()
	}
	path, cleanup, err := Build(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cleanup()
	*bin = path
	return m.Run()
}

// Need fails the test when a file the test relies on is missing.
func Need(t testing.TB, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s is missing: run make deps install (as root) first", p)
		}
	}
}

// MetaDataGolden checks that metadata/<name>.xml equals the agent's
// meta-data (rewriting it first when update is set) and lists every
// parameter and no hidden action.
func MetaDataGolden(t *testing.T, a *ocf.Agent, golden string, update bool) {
	t.Helper()
	out := outputOf(t, a, "meta-data")
	compareGolden(t, golden, out.Bytes(), update, "the agent's meta-data: run make metadata")
	for _, p := range a.Params {
		if !strings.Contains(out.String(), `<parameter name="`+p.Name+`"`) {
			t.Errorf("meta-data lacks parameter %s", p.Name)
		}
	}
	for _, act := range a.Actions {
		if act.Hidden && strings.Contains(out.String(), `"`+act.Name+`"`) {
			t.Errorf("meta-data advertises the hidden action %s", act.Name)
		}
	}
}

// outputOf runs the agent with arg (an action or flag that needs no
// environment) and returns its stdout, failing the test unless it exits 0
// with nothing on stderr.
func outputOf(t *testing.T, a *ocf.Agent, arg string) *bytes.Buffer {
	t.Helper()
	var out, errb bytes.Buffer
	if code := ocf.Run(a, []string{a.Name, arg}, ocf.MapEnv{}, &out, &errb); code != 0 || errb.Len() != 0 {
		t.Fatalf("%s: code %d stderr %q", arg, code, errb.String())
	}
	return &out
}

// compareGolden checks got against the golden file, rewriting the file
// first when update is set; what names the source and the remedy.
func compareGolden(t *testing.T, golden string, got []byte, update bool, what string) {
	t.Helper()
	if update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from %s", golden, what)
	}
}

// READMEParameters checks the README section's parameter table: a row for
// every declared parameter with its real default, and no other rows.
func READMEParameters(t *testing.T, readme, section string, params []ocf.Param) {
	t.Helper()
	b, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	_, text, ok := strings.Cut(string(b), section)
	if !ok {
		t.Fatalf("%s has no section %q", readme, section)
	}
	text, _, _ = strings.Cut(text, "\n## ")
	rows := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z0-9_]+)` \\|([^|]*)\\|").FindAllStringSubmatch(text, -1) {
		rows[m[1]] = strings.TrimSpace(m[2])
	}
	for _, p := range params {
		def, ok := rows[p.Name]
		if !ok {
			t.Errorf("README lacks a row for %s", p.Name)
			continue
		}
		if p.Default != "" && def != p.Default {
			t.Errorf("README gives %s the default %q, the agent %q", p.Name, def, p.Default)
		}
		delete(rows, p.Name)
	}
	for name := range rows {
		t.Errorf("README documents %s, which the agent does not declare", name)
	}
}

// Schemas validates the agent's meta-data with xmllint against
// resource-agents' DTD (what ocf-tester checks) and RELAX NG schema.
func Schemas(t *testing.T, bin string) {
	t.Helper()
	testnet.RequireRoot(t)
	Need(t, RADir+"/ra-api-1.dtd", RADir+"/metadata.rng", "/usr/bin/xmllint")
	xml, err := exec.Command(bin, "meta-data").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--noout", "--valid", "-"}, {"--noout", "--relaxng", RADir + "/metadata.rng", "-"}} {
		cmd := exec.Command("xmllint", args...)
		cmd.Dir = RADir // the DOCTYPE names ra-api-1.dtd relative to here
		cmd.Stdin = bytes.NewReader(xml)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("xmllint %v: %v\n%s", args, err, out)
		}
	}
	cmd := exec.Command("su", "nobody", "-s", "/bin/sh", "-c", bin+" meta-data")
	cmd.Env = []string{}
	if out, err := cmd.Output(); err != nil || !bytes.Equal(out, xml) {
		t.Errorf("meta-data as nobody without environment: %v", err)
	}
}

// OCFTester runs resource-agents' ocf-tester on bin inside ns with the
// given -o parameters; it must pass every test.
func OCFTester(t *testing.T, ns *testnet.NS, rsctmp, bin string, params ...string) {
	t.Helper()
	Need(t, "/usr/sbin/ocf-tester")
	args := []string{"ocf-tester", "-n", "rsc"}
	for _, p := range params {
		args = append(args, "-o", p)
	}
	out, stderr, code := ns.RunEnv([]string{"HA_RSCTMP=" + rsctmp}, append(args, bin)...)
	if code != 0 || !strings.Contains(out, "passed all tests") {
		t.Fatalf("ocf-tester: exit %d\n%s\n%s", code, out, stderr)
	}
}

// OCFT runs the agent's ocft cases (ocft/<name>) with resource-agents'
// ocft inside ns, pointed at bin. Suites go under a name of ours in ocft's
// global cases directory, so resource-agents' own suites are untouched.
func OCFT(t *testing.T, ns *testnet.NS, config, bin string) {
	t.Helper()
	Need(t, "/usr/sbin/ocft")
	cfg, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	suite := "ocfnet" + filepath.Base(config)
	dir := t.TempDir()
	text := strings.Replace(string(cfg), "AgentRoot "+OCFDir, "AgentRoot "+filepath.Dir(bin), 1)
	if err := os.WriteFile(filepath.Join(dir, suite), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	lockOCFT(t)
	t.Cleanup(func() { _ = exec.Command("ocft", "clean", suite).Run() })
	if out, err := exec.Command("ocft", "make", "-d", dir, suite).CombinedOutput(); err != nil {
		t.Fatalf("ocft make: %v\n%s", err, out)
	}
	out, stderr, code := ns.RunEnv([]string{"HA_RSCTMP=" + t.TempDir()}, "ocft", "test", suite)
	log := out + stderr
	if code != 0 || strings.Contains(log, "ERROR") || strings.Contains(log, "FAILED") || !strings.Contains(log, "OK") {
		t.Fatalf("ocft test: exit %d\n%s", code, log)
	}
}

// ocftLock is held by whichever test process runs ocft. Every ocft case
// script works in ocft's one cases directory and creates, then on exit
// deletes, the same ./fakebin there, so two suites run at once (go test
// runs packages in parallel) break each other's cases.
const ocftLock = "/run/lock/ocfnet-ocft.lock"

// lockOCFT takes ocftLock for the rest of the test.
func lockOCFT(t *testing.T) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(ocftLock), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(ocftLock, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		t.Fatalf("lock %s: %v", ocftLock, err)
	}
	t.Cleanup(func() { f.Close() }) // closing releases the lock
}

// Validation is one crm_resource --validate call and its expected exit.
type Validation struct {
	Want    int
	Options []string
}

// versionAttr is the agent version in meta-data, which the build stamps
// (make build) and the golden files do not carry.
var versionAttr = regexp.MustCompile(`(<resource-agent name="[^"]+" version=")[^"]*"`)

// WithoutVersion blanks the agent version in meta-data.
func WithoutVersion(metadata []byte) []byte {
	return versionAttr.ReplaceAll(metadata, []byte(`${1}"`))
}

// InstalledTools checks Pacemaker's and crmsh's view of the installed
// agent: crm_resource --show-metadata equals the golden file, crm ra info
// shows mustShow, and crm_resource --validate answers each case.
func InstalledTools(t *testing.T, name, golden, mustShow string, cases []Validation) {
	t.Helper()
	testnet.RequireRoot(t)
	Need(t, filepath.Join(OCFDir, name), "/usr/sbin/crm_resource", "/usr/sbin/crm")
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("crm_resource", "--show-metadata", "ocf:ocfnet:"+name).Output()
	if err != nil || !bytes.Equal(bytes.TrimSpace(WithoutVersion(out)), bytes.TrimSpace(WithoutVersion(want))) {
		t.Fatalf("crm_resource --show-metadata: %v (installed agent stale? run make install)", err)
	}
	out, err = exec.Command("crm", "ra", "info", "ocf:ocfnet:"+name).CombinedOutput()
	if err != nil || !strings.Contains(string(out), mustShow) || strings.Contains(string(out), "ERROR") {
		t.Errorf("crm ra info: %v\n%s", err, out)
	}
	for _, c := range cases {
		args := []string{"--validate", "--class", "ocf", "--provider", "ocfnet", "--agent", name}
		for _, o := range c.Options {
			args = append(args, "--option", o)
		}
		cmd := exec.Command("crm_resource", args...)
		cmd.Env = append(os.Environ(), "OCF_CHECK_LEVEL=0")
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != c.Want {
			t.Errorf("crm_resource --validate %v: exit %d, want %d\n%s", c.Options, code, c.Want, out)
		}
	}
}

// PCS checks that the README's pcs line is accepted offline (pcs checks
// the parameters against the installed agent's meta-data), that pcs
// copies our advertised timeouts, and that a misspelt parameter is
// refused.
func PCS(t *testing.T, name, readme string) {
	t.Helper()
	testnet.RequireRoot(t)
	Need(t, filepath.Join(OCFDir, name), "/usr/sbin/pcs", "/usr/sbin/cibadmin")
	cib := filepath.Join(t.TempDir(), "cib.xml")
	empty, err := exec.Command("cibadmin", "--empty").Output()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cib, empty, 0o600); err != nil {
		t.Fatal(err)
	}
	pcs := func(args ...string) (string, error) {
		out, err := exec.Command("pcs", append([]string{"-f", cib}, args[1:]...)...).CombinedOutput()
		return string(out), err
	}
	args := testnet.DocumentedPCS(t, readme, name)
	if out, err := pcs(args...); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	out, err := pcs("pcs", "resource", "config", args[3])
	if err != nil || !strings.Contains(out, "provider=ocfnet type="+name) || !strings.Contains(out, "timeout=20s") {
		t.Errorf("pcs resource config %s: %v\n%s", args[3], err, out)
	}
	bad := []string{"pcs", "resource", "create", "bad", "ocf:ocfnet:" + name, "ip=192.168.1.101", "netmaks=24"}
	if out, err := pcs(bad...); err == nil || !strings.Contains(out, "invalid resource option 'netmaks'") {
		t.Errorf("a misspelt parameter was not refused: %v\n%s", err, out)
	}
}

// unitStateDir is Env's HA_RSCTMP.
var unitStateDir = filepath.Join(os.TempDir(), fmt.Sprintf("ocfnet-unit-%d-nonexistent", os.Getpid()))

// Run runs agent in-process (no privileges, no host changes unless the
// action makes them) and returns its code, stdout and stderr. opts go to
// ocf.Run, e.g. ocf.WithEuid for a non-root run.
func Run(a *ocf.Agent, action string, env ocf.MapEnv, opts ...ocf.Option) (int, string, string) {
	var out, errb bytes.Buffer
	code := ocf.Run(a, []string{a.Name, action}, env, &out, &errb, opts...)
	return code, out.String(), errb.String()
}

// Env builds an agent environment from name=value pairs: parameters get
// the OCF_RESKEY_ prefix, OCF_ and HA_ names pass as they are. HA_RSCTMP
// points to a directory that does not exist, so a unit test that reached
// the state directory would show up as a failure to create it or, at
// worst, as one new directory, never as touching real state. The
// directory is this test process's own (test packages run in parallel,
// and a stop creates its lock file there), and Main removes it.
func Env(kv ...string) ocf.MapEnv {
	e := ocf.MapEnv{"HA_RSCTMP": unitStateDir}
	for _, s := range kv {
		k, v, _ := strings.Cut(s, "=")
		e[variable(k)] = v
	}
	return e
}

// Environ is Env for an agent run as a process (os/exec's Env) on a
// simulated node whose state directory is rsctmp: HA_RSCTMP first, so
// that an HA_RSCTMP in kv overrides it (the last of duplicates wins).
func Environ(rsctmp string, kv ...string) []string {
	e := []string{"HA_RSCTMP=" + rsctmp}
	for _, s := range kv {
		k, v, _ := strings.Cut(s, "=")
		e = append(e, variable(k)+"="+v)
	}
	return e
}

// variable is the environment variable for name: parameters get the
// OCF_RESKEY_ prefix, OCF_ and HA_ names pass as they are.
func variable(name string) string {
	if strings.HasPrefix(name, "OCF_") || strings.HasPrefix(name, "HA_") {
		return name
	}
	return "OCF_RESKEY_" + name
}

// ExitReasons returns the text of the ocf-exit-reason lines of stderr.
func ExitReasons(stderr string) []string {
	var r []string
	for _, l := range strings.Split(stderr, "\n") {
		if s, ok := strings.CutPrefix(l, "ocf-exit-reason:"); ok {
			r = append(r, s)
		}
	}
	return r
}

// ManPageGolden checks that man/ocf_ocfnet_<name>.7 equals the agent's
// --man output (rewriting it first when update is set), that the page
// renders without a warning (MANWIDTH=80 man --warnings -l), and that the
// README shows every example of the page verbatim, so the examples are
// the ones the tests run.
func ManPageGolden(t *testing.T, a *ocf.Agent, golden, readme string, update bool) {
	t.Helper()
	out := outputOf(t, a, "--man")
	compareGolden(t, golden, out.Bytes(), update, "the agent's manual page: run make man")
	for _, p := range a.Params {
		if !strings.Contains(out.String(), ".B "+strings.ReplaceAll(p.Name, "-", `\-`)+"\n") {
			t.Errorf("the manual page lacks parameter %s", p.Name)
		}
	}
	text, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Examples) == 0 {
		t.Error("the manual page has no example")
	}
	for _, e := range a.Examples {
		for _, def := range []string{e.CRM, e.PCS} {
			if !strings.Contains(string(text), "```\n"+def+"\n```") {
				t.Errorf("%s does not show the example verbatim:\n%s", readme, def)
			}
		}
	}
	if _, err := exec.LookPath("man"); err != nil {
		t.Fatal("man is missing: run make deps")
	}
	cmd := exec.Command("man", "--warnings", "-l", golden)
	cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPAGER=cat", "LC_ALL=C.UTF-8")
	var rendered, warnings bytes.Buffer
	cmd.Stdout, cmd.Stderr = &rendered, &warnings
	if err := cmd.Run(); err != nil || warnings.Len() > 0 || !strings.Contains(rendered.String(), "PARAMETERS") {
		t.Errorf("man --warnings -l %s: %v\n%s", golden, err, warnings.String())
	}
}
