package main

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"

	"github.com/ocfnet/ocfnet/pkg/ocf"
	"github.com/ocfnet/ocfnet/pkg/statefile"
)

// record is what start intends to do to the host, saved before it changes
// anything: a start killed at any instant leaves a record of everything
// it may have done, so stop undoes it (the loopback copies it may have
// removed, the label it may have added) and monitor and stop find the VIP
// where it was put, with its exact prefix, whatever the parameters or the
// routing table say since (an interface renamed, nic or cidr_netmask
// changed, another interface now matching).
type record struct {
	// Index is the link start put the VIP on: by index, so that monitor,
	// stop and the ARP refresh find it after a rename.
	Index int `json:"index"`
	Bits  int `json:"bits"`
	// LVS copies of the VIP that start removes from a loopback interface
	// (or removed: the record is written before they go).
	Loopback  []netip.Prefix `json:"loopback,omitempty"`
	LoopIndex int            `json:"loop_index,omitempty"`
	// IPv6: start gives the VIP an address label (lvs_ipv6_addrlabel).
	AddrLabel  bool   `json:"addr_label,omitempty"`
	LabelValue uint32 `json:"label_value,omitempty"`
}

// inherit keeps what an earlier record promised to undo: a start over the
// record of a killed start or stop must not forget the loopback copies
// that one removed, nor the address label it added.
func (r record) inherit(old *record) record {
	if old == nil {
		return r
	}
	for _, p := range old.Loopback {
		if !slices.Contains(r.Loopback, p) {
			r.Loopback = append(r.Loopback, p)
		}
	}
	if r.LoopIndex == 0 {
		r.LoopIndex = old.LoopIndex
	}
	if old.AddrLabel && !r.AddrLabel {
		r.AddrLabel, r.LabelValue = true, old.LabelValue
	}
	return r
}

func recordName(ip netip.Addr) string { return "ocfnet-IPaddr2-" + ip.String() }

// loadRecord returns the record for ip, or nil when there is none. A
// record that does not decode is logged and read as none.
func loadRecord(c *ocf.Context, ip netip.Addr) (*record, error) {
	b, err := c.ReadState(recordName(ip))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r, err := decodeRecord(b)
	if err != nil {
		c.Log.Warnf("ignoring unreadable state file %s: %v", c.StateFile(recordName(ip)), err)
		return nil, nil
	}
	return &r, nil
}

// decodeRecord decodes a record strictly: what saveRecord writes, and the
// fields earlier versions wrote and nothing reads (the interface's name,
// the label, and whether start set the link up), accepted so that a
// record written before an upgrade still reads, and never written again.
// By hand rather than through reflection: every recurring monitor reads
// the record (see statefile.DecodeObject).
func decodeRecord(b []byte) (record, error) {
	var r record
	err := statefile.DecodeObject(b, func(name string, v any) (err error) {
		toInt := func(dst *int) error {
			n, err := statefile.Int(v, 32)
			*dst = int(n)
			return err
		}
		switch name {
		case "index":
			err = toInt(&r.Index)
		case "bits":
			err = toInt(&r.Bits)
		case "loop_index":
			err = toInt(&r.LoopIndex)
		case "label_value":
			var n uint64
			n, err = statefile.Uint(v, 32)
			r.LabelValue = uint32(n)
		case "addr_label":
			r.AddrLabel, err = statefile.Bool(v)
		case "loopback":
			var list []string
			if list, err = statefile.Strings(v); err != nil {
				return err
			}
			r.Loopback = make([]netip.Prefix, len(list))
			for i, p := range list {
				if r.Loopback[i], err = netip.ParsePrefix(p); err != nil {
					return err
				}
			}
		case "nic", "label":
			_, err = statefile.String(v)
		case "brought_up":
			_, err = statefile.Bool(v)
		default:
			return statefile.ErrUnknownField
		}
		return err
	})
	return r, err
}

func saveRecord(c *ocf.Context, ip netip.Addr, r record) error {
	path, err := c.StatePath(recordName(ip))
	if err != nil {
		return err
	}
	if err := statefile.WriteJSON(path, r); err != nil {
		return fmt.Errorf("saving state: %w", err)
	}
	return nil
}

func removeRecord(c *ocf.Context, ip netip.Addr) {
	if err := os.Remove(c.StateFile(recordName(ip))); err != nil && !errors.Is(err, os.ErrNotExist) {
		c.Log.Warnf("removing state file: %v", err)
	}
}

// removeTemps removes the temp files that a write of this VIP's state
// files left when its writer was killed. stop removes them whatever
// their age (statefile.CleanTemps waits until no live writer can own
// them): Pacemaker runs no other action of the resource while stop runs,
// so no writer of these files is alive; other files' are left to
// CleanTemps.
func removeTemps(c *ocf.Context, ip netip.Addr) {
	dir := c.StateFile("")
	if statefile.SafeDir(dir) != nil {
		return
	}
	for _, name := range []string{recordName(ip), garpPidfileName(ip)} {
		if err := statefile.RemoveTemps(filepath.Join(dir, name)); err != nil {
			c.Log.Warnf("removing temp files: %v", err)
		}
	}
	statefile.CleanTemps(dir)
}
