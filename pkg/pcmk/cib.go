package pcmk

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/beevik/etree"
)

// CIBPaths are where pacemaker-based saves the configuration on a
// cluster node (CRM_CONFIG_DIR): Pacemaker 1.1 and later, then the
// heartbeat-era location. A Pacemaker Remote node keeps no copy.
var CIBPaths = []string{"/var/lib/pacemaker/cib/cib.xml", "/var/lib/heartbeat/crm/cib.xml"}

// maxCIB bounds what is read: the saved configuration carries no status
// section and is far smaller.
const maxCIB = 16 << 20

// ErrNoCIB: this node keeps no saved configuration.
var ErrNoCIB = errors.New("no saved cluster configuration on this node")

// ReadCIB returns the configuration last saved on this node, below root
// ("/" outside tests).
func ReadCIB(root string) ([]byte, error) {
	for _, p := range CIBPaths {
		// The announcer must never block or be redirected: no FIFO, no
		// device, no link planted by the directory's owner (hacluster).
		f, err := os.OpenFile(root+p, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
			f.Close()
			return nil, fmt.Errorf("%s is not a regular file", p)
		}
		b, err := io.ReadAll(io.LimitReader(f, maxCIB+1))
		f.Close()
		if err == nil && len(b) > maxCIB {
			err = fmt.Errorf("%s is larger than %d bytes", p, maxCIB)
		}
		return b, err
	}
	return nil, ErrNoCIB
}

// Unmanaged reports whether configuration cib leaves resource rsc on node
// as it is, and why: maintenance-mode (which overrides everything else),
// the node's maintenance attribute, or maintenance / is-managed on the
// resource, on a group or clone containing it, or in the resource
// defaults, the nearest setting winning. rsc is OCF_RESOURCE_INSTANCE: a
// clone instance's ":N" suffix is ignored. Rules inside attribute sets
// are not evaluated: a set is taken as applying.
func Unmanaged(cib []byte, node, rsc string) (bool, string, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(cib); err != nil {
		return false, "", fmt.Errorf("cluster configuration: %w", err)
	}
	cfg := doc.FindElement("/cib/configuration")
	if cfg == nil {
		return false, "", errors.New("cluster configuration: no configuration section")
	}
	if v, ok := lookup(cfg.FindElements("crm_config/cluster_property_set"), "maintenance-mode"); ok && isTrue(v) {
		return true, "maintenance-mode=" + v, nil
	}
	for _, n := range cfg.FindElements("nodes/node") {
		if node != "" && n.SelectAttrValue("uname", "") == node {
			if v, ok := lookup(n.SelectElements("instance_attributes"), "maintenance"); ok && isTrue(v) {
				return true, "node " + node + " maintenance=" + v, nil
			}
		}
	}
	chain := resourceChain(cfg, rsc)
	defaults := cfg.FindElements("rsc_defaults/meta_attributes")
	if v, who, ok := nearest(chain, defaults, "maintenance"); ok && isTrue(v) {
		return true, who + " maintenance=" + v, nil
	}
	if v, who, ok := nearest(chain, defaults, "is-managed"); ok {
		if !isTrue(v) {
			return true, who + " is-managed=" + v, nil
		}
	} else if v, ok := lookup(cfg.FindElements("crm_config/cluster_property_set"), "is-managed-default"); ok && !isTrue(v) {
		return true, "is-managed-default=" + v, nil
	}
	return false, "", nil
}

// resourceChain is the resource's element and its enclosing groups and
// clones, nearest first; nil if rsc is not configured.
func resourceChain(cfg *etree.Element, rsc string) []*etree.Element {
	id, _, _ := strings.Cut(rsc, ":")
	if id == "" {
		return nil
	}
	res := cfg.SelectElement("resources")
	if res == nil {
		return nil
	}
	var found *etree.Element
	for _, e := range res.FindElements(".//primitive") {
		if e.SelectAttrValue("id", "") == id {
			found = e
			break
		}
	}
	var chain []*etree.Element
	for e := found; e != nil && e != res; e = e.Parent() {
		chain = append(chain, e)
	}
	return chain
}

// nearest looks name up in the meta attributes of chain, nearest first,
// then in the resource defaults; who says where it was found.
func nearest(chain, defaults []*etree.Element, name string) (v, who string, ok bool) {
	for _, e := range chain {
		if v, ok := lookup(e.SelectElements("meta_attributes"), name); ok {
			return v, e.Tag + " " + e.SelectAttrValue("id", ""), true
		}
	}
	if v, ok := lookup(defaults, name); ok {
		return v, "rsc_defaults", true
	}
	return "", "", false
}

// lookup returns the value of nvpair name in the first of sets that
// has it.
func lookup(sets []*etree.Element, name string) (string, bool) {
	for _, s := range sets {
		for _, nv := range s.SelectElements("nvpair") {
			if nv.SelectAttrValue("name", "") == name {
				return nv.SelectAttrValue("value", ""), true
			}
		}
	}
	return "", false
}

// isTrue is Pacemaker's crm_is_true.
func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "true", "on", "yes", "y", "1":
		return true
	}
	return false
}
