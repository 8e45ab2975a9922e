package main

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestPackageFileNames: the names make package promises.
func TestPackageFileNames(t *testing.T) {
	n := fileNames("0.1.0+3.gabc1234")
	if n["deb"] != "ocfnet_0.1.0+3.gabc1234_amd64.deb" || n["rpm"] != "ocfnet-0.1.0+3.gabc1234.x86_64.rpm" {
		t.Errorf("file names %v", n)
	}
}

// run runs a command and returns its combined output; failure is fatal.
func run(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// saveInstalled takes the agents make install put in ocfDir out of the
// way, so that the package installs into and leaves an empty place, and
// puts them back when the test ends, however it ends.
func saveInstalled(t *testing.T) {
	t.Helper()
	saved := map[string][]byte{}
	entries, err := os.ReadDir(ocfDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(ocfDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		saved[e.Name()] = b
	}
	if err := os.RemoveAll(ocfDir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if exec.Command("dpkg-query", "-W", "-f", "${Status}", "ocfnet").Run() == nil {
			_ = exec.Command("dpkg", "-r", "ocfnet").Run()
		}
		if len(saved) == 0 {
			return
		}
		if err := os.MkdirAll(ocfDir, 0o755); err != nil {
			t.Error(err)
		}
		for name, b := range saved {
			if err := os.WriteFile(filepath.Join(ocfDir, name), b, 0o755); err != nil {
				t.Error(err)
			}
		}
	})
}

// removeCatPages removes the formatted pages man-db caches when man runs
// as root: the test's reading of the pages leaves nothing behind either.
func removeCatPages() {
	pages, _ := filepath.Glob("/var/cache/man/cat7/ocf_ocfnet_*")
	for _, p := range pages {
		_ = os.Remove(p)
	}
}

// TestPackageInstalls builds both packages from the built agents, installs
// the .deb with dpkg, uses what it installed through crmsh, pcs and man,
// removes it and checks nothing is left; the .rpm must hold the same
// files. It replaces the installed agents while it runs, so make test runs
// it alone, after everything else (OCFNET_PACKAGE_TEST=1).
func TestPackageInstalls(t *testing.T) {
	if os.Getenv("OCFNET_PACKAGE_TEST") != "1" {
		t.Skip("make test runs this alone: it replaces the installed agents (OCFNET_PACKAGE_TEST=1)")
	}
	if os.Geteuid() != 0 {
		t.Fatal("needs root: it installs a package")
	}
	for _, tool := range []string{"dpkg", "rpm", "crm", "pcs", "man"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s missing: run make deps", tool)
		}
	}
	bin := filepath.Join("..", "..", "bin")
	v := strings.Fields(run(t, nil, filepath.Join(bin, "IPaddr2"), "--version"))
	if len(v) != 2 {
		t.Fatalf("IPaddr2 --version: %q (run make build)", v)
	}
	version := v[1]
	// Now, not a fixed time: man-db reuses a formatted page it cached
	// while the page's time is unchanged, and would show an earlier
	// run's version.
	paths, err := build(options{version: version, bin: bin, root: filepath.Join("..", ".."), out: t.TempDir(), mtime: time.Now().Truncate(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	deb, rpm := paths[0], paths[1]

	saveInstalled(t)
	t.Cleanup(removeCatPages)
	run(t, nil, "dpkg", "-i", deb)
	installed := strings.Fields(run(t, nil, "dpkg-query", "-W", "-f", "${Status} ${Version}", "ocfnet"))
	if strings.Join(installed, " ") != "install ok installed "+version {
		t.Fatalf("dpkg-query says %q", installed)
	}
	if out := run(t, nil, "crm", "ra", "info", "ocf:ocfnet:IPaddr2"); !strings.Contains(out, "cidr_netmask") {
		t.Errorf("crm ra info ocf:ocfnet:IPaddr2:\n%s", out)
	}
	if out := run(t, nil, "pcs", "resource", "describe", "ocf:ocfnet:VIPArip"); !strings.Contains(out, "takeover_metric") {
		t.Errorf("pcs resource describe ocf:ocfnet:VIPArip:\n%s", out)
	}
	if out := strings.TrimSpace(run(t, nil, "man", "-w", "ocf_ocfnet_IPaddr2")); out != "/usr/share/man/man7/ocf_ocfnet_IPaddr2.7.gz" {
		t.Errorf("man -w ocf_ocfnet_IPaddr2: %s", out)
	}
	page := run(t, []string{"MANPAGER=cat", "MANWIDTH=80"}, "man", "ocf_ocfnet_IPaddr2")
	if !strings.Contains(page, "PARAMETERS") || !strings.Contains(page, "ocfnet "+version) {
		t.Errorf("man ocf_ocfnet_IPaddr2 lacks its parameters or version %s:\n%.600s", version, page)
	}
	for _, a := range agents {
		if out := strings.TrimSpace(run(t, nil, filepath.Join(ocfDir, a), "--version")); out != a+" "+version {
			t.Errorf("installed %s --version: %q, want the package version %s", a, out, version)
		}
	}
	var listed []string
	for _, p := range strings.Split(strings.TrimSpace(run(t, nil, "dpkg", "-L", "ocfnet")), "\n") {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			listed = append(listed, p)
		}
	}

	run(t, nil, "dpkg", "-r", "ocfnet")
	// Without conffiles nothing is kept: dpkg forgets the package.
	if status, err := exec.Command("dpkg-query", "-W", "-f", "${Status}", "ocfnet").Output(); err == nil && !strings.HasSuffix(string(status), " not-installed") {
		t.Errorf("after dpkg -r the package's status is %q", status)
	}
	for _, p := range append(listed, ocfDir, docDir) {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("dpkg -r left %s", p)
		}
	}

	// The .rpm holds the same files.
	slices.Sort(listed)
	fromRPM := strings.Fields(run(t, nil, "rpm", "-qpl", rpm))
	slices.Sort(fromRPM)
	if !slices.Equal(listed, fromRPM) {
		t.Errorf("the .rpm lists\n%s\nthe .deb installed\n%s", strings.Join(fromRPM, "\n"), strings.Join(listed, "\n"))
	}
	if len(listed) != 2*len(agents)+2 {
		t.Errorf("the package installed %d files, want %d: %v", len(listed), 2*len(agents)+2, listed)
	}
	if out := run(t, nil, "rpm", "-qp", "--qf", "%{NAME} %{VERSION} %{ARCH}", rpm); out != "ocfnet "+version+" x86_64" {
		t.Errorf("rpm -qp: %q", out)
	}
}
