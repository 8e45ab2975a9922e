package announce

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/ocfnet/ocfnet/pkg/rip"
)

// Entry is one VIP's announcement, as VIPArip's start registers it. An
// IPv6 VIP is announced with RIPng (RFC 2080): Source is then the
// interface's link-local address, the destinations ff02::9 or routers'
// link-local addresses, Version is ignored and Auth must be none. The
// source's family keeps IPv4 and IPv6 entries in separate datagrams.
type Entry struct {
	VIP            netip.Addr    `json:"vip"`
	Interface      string        `json:"interface"`
	IfIndex        int           `json:"ifindex"`
	Source         netip.Addr    `json:"source"`
	Destinations   []netip.Addr  `json:"destinations"`
	Version        uint8         `json:"version"`
	Metric         uint32        `json:"metric"`
	TakeoverMetric uint32        `json:"takeover_metric"`
	TakeoverUntil  Mono          `json:"takeover_until_boot_ns"`
	Interval       time.Duration `json:"interval"`
	Tag            uint16        `json:"tag,omitempty"`
	Auth           Auth          `json:"auth"`
	// Owner is the Pacemaker executor managing the entry, nil for a hand
	// run; PoisonCount the withdrawals to send if it dies (owner.go).
	Owner       *Owner `json:"owner,omitempty"`
	PoisonCount int    `json:"poison_count,omitempty"`
}

// Auth is how an entry's datagrams are authenticated. The key lives in a
// file the agent names (auth_key_file) or in the registry's entry file,
// which only root can read; it is never logged.
type Auth struct {
	Mode       rip.AuthMode `json:"mode"`
	KeyID      uint8        `json:"key_id,omitempty"`
	MD5DataLen uint8        `json:"md5_data_len,omitempty"`
	Key        []byte       `json:"key,omitempty"`
}

// RIPKey returns the rip.Key for a.
func (a Auth) RIPKey() rip.Key {
	return rip.Key{Mode: a.Mode, Secret: a.Key, ID: a.KeyID, MD5DataLen: a.MD5DataLen}
}

// MaxTakeover bounds a takeover window (the agent allows 9 s): a window
// ending further ahead than that was not opened on this boot's clock.
const MaxTakeover = 10 * time.Second

// MetricAt is the metric the entry announces at now: the lower takeover
// metric during the takeover window after start, which displaces a
// crashed owner's stale route at once, then the steady metric.
func (e Entry) MetricAt(now Mono) uint32 {
	if e.inTakeover(now) {
		return e.TakeoverMetric
	}
	return e.Metric
}

func (e Entry) inTakeover(now Mono) bool {
	return now.Before(e.TakeoverUntil) && e.TakeoverUntil.Sub(now) <= MaxTakeover
}

// Route is the RIP route the entry announces with metric m.
func (e Entry) Route(m uint32) rip.Route {
	return rip.Route{Prefix: netip.PrefixFrom(e.VIP, e.VIP.BitLen()), Metric: m, Tag: e.Tag}
}

// group is what entries must share to travel in one datagram.
func (e Entry) group() string {
	dsts := make([]string, len(e.Destinations))
	for i, d := range e.Destinations {
		dsts[i] = d.String()
	}
	slices.Sort(dsts)
	return fmt.Sprintf("%s|%d|%s|%s|v%d|%d|%d|%d|%x", e.Interface, e.IfIndex, e.Source, strings.Join(dsts, ","),
		e.Version, e.Auth.Mode, e.Auth.KeyID, e.Auth.MD5DataLen, e.Auth.Key)
}

// Batch groups routes that share interface, source, destinations, version
// and key into datagrams, each within the datagram limits of its key.
type Batch struct {
	Entry  Entry // the group's shared settings (from its first entry)
	Routes []rip.Route
}

// Batches builds the datagrams for entries at now.
func Batches(entries []Entry, now Mono) []Batch {
	var order []string
	groups := map[string][]Entry{}
	for _, e := range entries {
		g := e.group()
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], e)
	}
	var out []Batch
	for _, g := range order {
		es := groups[g]
		routes := make([]rip.Route, len(es))
		for i, e := range es {
			routes[i] = e.Route(e.MetricAt(now))
		}
		var parts [][]rip.Route
		if es[0].VIP.Is6() {
			parts = rip.NgBatch(routes)
		} else {
			parts = rip.Batch(routes, es[0].Auth.RIPKey())
		}
		for _, part := range parts {
			out = append(out, Batch{Entry: es[0], Routes: part})
		}
	}
	return out
}
