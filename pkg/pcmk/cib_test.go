package pcmk

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cibWith is a saved configuration (as pacemaker-based writes cib.xml:
// no status section) with props in cluster options, nodeAttrs on node
// nA, meta on the primitive rvip, groupMeta on its group and defaults in
// rsc_defaults.
func cibWith(props, nodeAttrs, meta, groupMeta, defaults string) []byte {
	return []byte(`<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="7" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>` + props + `
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="nA"><instance_attributes id="nodes-1">` + nodeAttrs + `</instance_attributes></node>
      <node id="2" uname="nB"><instance_attributes id="nodes-2"><nvpair id="n2-m" name="maintenance" value="true"/></instance_attributes></node>
    </nodes>
    <resources>
      <group id="g">
        <meta_attributes id="g-meta">` + groupMeta + `</meta_attributes>
        <primitive id="rvip" class="ocf" provider="ocfnet" type="VIPArip">
          <instance_attributes id="rvip-ia"><nvpair id="rvip-ip" name="ip" value="192.168.13.229"/></instance_attributes>
          <meta_attributes id="rvip-meta">` + meta + `</meta_attributes>
        </primitive>
      </group>
      <clone id="c"><primitive id="other" class="ocf" provider="ocfnet" type="VIPArip">
        <meta_attributes id="other-meta"><nvpair id="o-m" name="is-managed" value="false"/></meta_attributes>
      </primitive></clone>
    </resources>
    <constraints/>
    <rsc_defaults><meta_attributes id="rsc-options">` + defaults + `</meta_attributes></rsc_defaults>
  </configuration>
</cib>`)
}

func nv(name, value string) string {
	return `<nvpair id="x-` + name + `" name="` + name + `" value="` + value + `"/>`
}

func TestUnmanaged(t *testing.T) {
	tests := []struct {
		name                                 string
		props, nodeAttrs, meta, group, deflt string
		node, rsc                            string
		want                                 bool
		why                                  string
	}{
		{name: "managed", node: "nA", rsc: "rvip"},
		{name: "maintenance-mode", props: nv("maintenance-mode", "true"), node: "nA", rsc: "rvip", want: true, why: "maintenance-mode=true"},
		{name: "maintenance-mode yes", props: nv("maintenance-mode", "yes"), node: "nA", rsc: "rvip", want: true, why: "maintenance-mode=yes"},
		{name: "maintenance-mode overrides is-managed=true", props: nv("maintenance-mode", "on"), meta: nv("is-managed", "true"), node: "nA", rsc: "rvip", want: true},
		{name: "maintenance-mode ended", props: nv("maintenance-mode", "false"), node: "nA", rsc: "rvip"},
		{name: "this node in maintenance", nodeAttrs: nv("maintenance", "true"), node: "nA", rsc: "rvip", want: true, why: "node nA maintenance=true"},
		{name: "another node in maintenance", node: "nA", rsc: "rvip"},
		{name: "resource in maintenance", meta: nv("maintenance", "true"), node: "nA", rsc: "rvip", want: true, why: "primitive rvip maintenance=true"},
		{name: "resource unmanaged", meta: nv("is-managed", "false"), node: "nA", rsc: "rvip", want: true, why: "primitive rvip is-managed=false"},
		{name: "its group unmanaged", group: nv("is-managed", "false"), node: "nA", rsc: "rvip", want: true, why: "group g is-managed=false"},
		{name: "resource overrides its group", meta: nv("is-managed", "true"), group: nv("is-managed", "false"), node: "nA", rsc: "rvip"},
		{name: "resource defaults unmanaged", deflt: nv("is-managed", "false"), node: "nA", rsc: "rvip", want: true, why: "rsc_defaults is-managed=false"},
		{name: "resource overrides defaults", meta: nv("is-managed", "1"), deflt: nv("is-managed", "false"), node: "nA", rsc: "rvip"},
		{name: "is-managed-default", props: nv("is-managed-default", "false"), node: "nA", rsc: "rvip", want: true, why: "is-managed-default=false"},
		{name: "another resource unmanaged", node: "nA", rsc: "rvip"},
		{name: "clone instance", node: "nA", rsc: "other:1", want: true, why: "primitive other is-managed=false"},
		{name: "resource not configured", node: "nA", rsc: "gone"},
		{name: "hand run: no resource, no node", props: nv("maintenance-mode", "true"), want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why, err := Unmanaged(cibWith(tt.props, tt.nodeAttrs, tt.meta, tt.group, tt.deflt), tt.node, tt.rsc)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || (tt.why != "" && why != tt.why) {
				t.Errorf("Unmanaged = %v %q, want %v %q", got, why, tt.want, tt.why)
			}
		})
	}
}

func TestUnmanagedBadCIB(t *testing.T) {
	for _, b := range []string{"", "<cib><configuration>", "<cib/>"} {
		if _, _, err := Unmanaged([]byte(b), "nA", "rvip"); err == nil {
			t.Errorf("Unmanaged(%q): no error", b)
		}
	}
}

func TestReadCIB(t *testing.T) {
	root := t.TempDir()
	if _, err := ReadCIB(root); !errors.Is(err, ErrNoCIB) {
		t.Errorf("ReadCIB(empty) = %v, want ErrNoCIB", err)
	}
	path := filepath.Join(root, CIBPaths[0])
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	want := cibWith(nv("maintenance-mode", "true"), "", "", "", "")
	if err := os.WriteFile(path, want, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCIB(root)
	if err != nil || string(got) != string(want) {
		t.Errorf("ReadCIB = %d bytes, %v; want the file", len(got), err)
	}
	if err := os.WriteFile(path, []byte(strings.Repeat(" ", maxCIB+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadCIB(root); err == nil {
		t.Error("ReadCIB of an oversized file: no error")
	}
}

// TestReadCIBRefuses: a FIFO would block the announcer for good, a link
// would read whatever it points to.
func TestReadCIBRefuses(t *testing.T) {
	tests := []struct {
		name string
		make func(path string) error
	}{
		{"FIFO", func(path string) error { return syscall.Mkfifo(path, 0o600) }},
		{"symbolic link", func(path string) error {
			target := filepath.Join(filepath.Dir(path), "elsewhere.xml")
			if err := os.WriteFile(target, cibWith("", "", "", "", ""), 0o600); err != nil {
				return err
			}
			return os.Symlink(target, path)
		}},
		{"directory", func(path string) error { return os.Mkdir(path, 0o700) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			path := filepath.Join(root, CIBPaths[0])
			if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
				t.Fatal(err)
			}
			if err := tt.make(path); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { _, err := ReadCIB(root); done <- err }()
			select {
			case err := <-done:
				if err == nil {
					t.Error("ReadCIB: no error")
				}
			case <-time.After(10 * time.Second):
				t.Fatal("ReadCIB blocked")
			}
		})
	}
}
