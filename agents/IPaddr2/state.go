package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"

	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// record is what start remembers about a VIP it added, so that monitor
// and stop find it with its exact prefix even when the routing table has
// changed since (an interface down, another interface now matching).
type record struct {
	NIC       string         `json:"nic"`
	Index     int            `json:"index"`
	Bits      int            `json:"bits"`
	Label     string         `json:"label,omitempty"`
	BroughtUp bool           `json:"brought_up,omitempty"` // start set the link up
	Loopback  []netip.Prefix `json:"loopback,omitempty"`   // LVS copies removed from lo
	LoopIndex int            `json:"loop_index,omitempty"`
	// IPv6: start gave the VIP an address label (lvs_ipv6_addrlabel).
	AddrLabel  bool   `json:"addr_label,omitempty"`
	LabelValue uint32 `json:"label_value,omitempty"`
}

func recordName(ip netip.Addr) string { return "ocfnet-IPaddr2-" + ip.String() }

func recordPath(c *ocf.Context, ip netip.Addr) (string, error) {
	return c.StatePath(recordName(ip))
}

// loadRecord returns the record for ip, or nil when there is none.
func loadRecord(c *ocf.Context, ip netip.Addr) (*record, error) {
	path := c.StateFile(recordName(ip))
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		c.Log.Warnf("ignoring unreadable state file %s: %v", path, err)
		return nil, nil
	}
	return &r, nil
}

func saveRecord(c *ocf.Context, ip netip.Addr, r record) error {
	path, err := recordPath(c, ip)
	if err != nil {
		return err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := ocf.WriteFileAtomic(path, b); err != nil {
		return fmt.Errorf("saving state: %w", err)
	}
	return nil
}

func removeRecord(c *ocf.Context, ip netip.Addr) {
	if err := os.Remove(c.StateFile(recordName(ip))); err != nil && !errors.Is(err, os.ErrNotExist) {
		c.Log.Warnf("removing state file: %v", err)
	}
}
