// Command package builds ocfnet's .deb and .rpm with nfpm used as a
// library: the agents under /usr/lib/ocf/resource.d/ocfnet, their manual
// pages, README and LICENSE. The agents are static binaries, so the
// packages depend on nothing; they recommend pacemaker. make package runs
// it after make build. The manual pages come from the built agents
// (--man), so they carry the same version as --version and meta-data.
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager
)

// Where the files go (the OCF resource agent directory of Pacemaker).
const (
	ocfDir = "/usr/lib/ocf/resource.d/ocfnet"
	manDir = "/usr/share/man/man7"
	docDir = "/usr/share/doc/ocfnet"
)

var agents = []string{"IPaddr2", "VIPArip"}

// options are the command's flags.
type options struct {
	version, bin, root, out string
	mtime                   time.Time
}

func main() {
	var o options
	flag.StringVar(&o.version, "version", "", "package version (make version)")
	flag.StringVar(&o.bin, "bin", "bin", "directory of the built agents")
	flag.StringVar(&o.root, "root", ".", "source tree (README.md, LICENSE)")
	flag.StringVar(&o.out, "out", "dist", "output directory")
	epoch := flag.Int64("mtime", 0, "modification time of every file, unix seconds (0: now)")
	flag.Parse()
	o.mtime = time.Unix(*epoch, 0).UTC()
	if *epoch == 0 {
		o.mtime = time.Now().UTC().Truncate(time.Second)
	}
	paths, err := build(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "package:", err)
		os.Exit(1)
	}
	for _, p := range paths {
		fmt.Println(p)
	}
}

// fileNames are the packages' names in out: ocfnet_<version>_amd64.deb
// and ocfnet-<version>.x86_64.rpm.
func fileNames(version string) map[string]string {
	return map[string]string{
		"deb": "ocfnet_" + version + "_amd64.deb",
		"rpm": "ocfnet-" + version + ".x86_64.rpm",
	}
}

// build writes both packages and returns their paths.
func build(o options) ([]string, error) {
	if o.version == "" {
		return nil, errors.New("no -version")
	}
	tmp, err := os.MkdirTemp("", "ocfnet-package-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	contents, err := contents(o, tmp)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for _, format := range []string{"deb", "rpm"} {
		path := filepath.Join(o.out, fileNames(o.version)[format])
		if err := write(format, info(o, contents), path); err != nil {
			return nil, fmt.Errorf("%s: %w", format, err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

func info(o options, contents files.Contents) *nfpm.Info {
	return &nfpm.Info{
		Name:     "ocfnet",
		Arch:     "amd64",
		Platform: "linux",
		Version:  o.version,
		// The version is already what dpkg and rpm accept (make version);
		// nfpm must not reinterpret it as semver.
		VersionSchema: "none",
		Section:       "admin",
		Priority:      "optional",
		Maintainer:    "ocfnet maintainers <maintainers@ocfnet.invalid>",
		Description: "Pacemaker OCF resource agents for virtual IP addresses, in Go\n" +
			"IPaddr2 and VIPArip, drop-in replacements for resource-agents' agents of\n" +
			"the same names: static binaries with no shell or ip(8) underneath.",
		Vendor:   "ocfnet",
		Homepage: "https://github.com/ocfnet/ocfnet",
		License:  "Apache-2.0",
		MTime:    o.mtime,
		Overridables: nfpm.Overridables{
			Recommends: []string{"pacemaker"},
			Contents:   contents,
		},
	}
}

// contents lists the packaged files; the manual pages are gzipped into
// tmp, as Debian's policy wants them.
func contents(o options, tmp string) (files.Contents, error) {
	var c files.Contents
	add := func(src, dst string, mode os.FileMode) {
		c = append(c, &files.Content{Source: src, Destination: dst,
			FileInfo: &files.ContentFileInfo{Owner: "root", Group: "root", Mode: mode, MTime: o.mtime}})
	}
	for _, a := range agents {
		add(filepath.Join(o.bin, a), filepath.Join(ocfDir, a), 0o755)
		page := "ocf_ocfnet_" + a + ".7"
		gz := filepath.Join(tmp, page+".gz")
		if err := manPage(filepath.Join(o.bin, a), gz); err != nil {
			return nil, err
		}
		add(gz, filepath.Join(manDir, page+".gz"), 0o644)
	}
	add(filepath.Join(o.root, "README.md"), filepath.Join(docDir, "README.md"), 0o644)
	add(filepath.Join(o.root, "LICENSE"), filepath.Join(docDir, "LICENSE"), 0o644)
	for _, f := range c {
		if _, err := os.Stat(f.Source); err != nil {
			return nil, fmt.Errorf("%w (run make build)", err)
		}
	}
	return c, nil
}

// manPage writes agent's manual page to dst, gzipped without a name or
// time in the header, so the same page always gives the same bytes.
func manPage(agent, dst string) error {
	b, err := exec.Command(agent, "--man").Output()
	if err != nil {
		return fmt.Errorf("%s --man: %w (run make build)", agent, err)
	}
	var out bytes.Buffer
	w, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return os.WriteFile(dst, out.Bytes(), 0o644)
}

func write(format string, in *nfpm.Info, path string) (err error) {
	p, err := nfpm.Get(format)
	if err != nil {
		return err
	}
	in = nfpm.WithDefaults(in)
	if err := nfpm.PrepareForPackager(in, format); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	return p.Package(in, io.Writer(f))
}
