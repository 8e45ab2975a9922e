package main

import (
	"errors"
	"os"
	"time"

	"github.com/ocfnet/ocfnet/pkg/announce"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"github.com/ocfnet/ocfnet/pkg/pcmk"
)

// procRoot and fsRoot are / and /proc; unit tests use fakes.
var (
	procRoot = "/proc"
	fsRoot   = ""
)

// ownerGraceEnv shortens the announcer's grace for a gone executor in
// the cluster tests, which cannot wait the production value many times.
// Read once when the announcer starts; unset, the default holds.
const ownerGraceEnv = "OCFNET_TEST_OWNER_GRACE"

// executorOwner is the owner this action records: the Pacemaker executor
// that ran it, or nil for a hand run (crm_resource --force-start, pcs
// resource debug-start, ocf-tester), whose routes no cluster watches.
func executorOwner(c *ocf.Context) *announce.Owner {
	o, err := ownerOf(procRoot, os.Getpid(), c.Env)
	if err != nil {
		c.Log.Debugf("looking for the Pacemaker executor: %v", err)
	}
	return o
}

// ownerOf is executorOwner for process pid with environment env.
func ownerOf(proc string, pid int, env ocf.Env) (*announce.Owner, error) {
	p, ok, err := pcmk.Executor(proc, pid)
	if !ok {
		return nil, err
	}
	node := env.Get("OCF_RESKEY_CRM_meta_on_node")
	if node == "" {
		// Pacemaker's default node name.
		node, _ = os.Hostname()
	}
	return &announce.Owner{PID: p.PID, Start: p.Start, Node: node, Resource: env.Get("OCF_RESOURCE_INSTANCE")}, nil
}

// adopt makes the executor of a monitor that found e running its owner:
// after the cluster stack restarted (maintenance mode), the new
// executor's probe takes over the routes of the old one before the
// announcer's grace runs out. A hand-run monitor changes nothing, and a
// failure to record only delays that, so it never fails the monitor.
func adopt(c *ocf.Context, reg announce.Registry, e *announce.Entry) {
	o := executorOwner(c)
	changed, err := setOwner(reg, e, o)
	if err != nil {
		c.Log.Warnf("recording the owner of %s: %v", e.VIP, err)
	}
	if changed {
		c.Log.Infof("%s: now managed by the Pacemaker executor pid %d", e.VIP, o.PID)
	}
}

// setOwner records o as the owner of e, as read by a monitor, unless o is
// nil (a hand run) or already recorded.
func setOwner(reg announce.Registry, e *announce.Entry, o *announce.Owner) (bool, error) {
	if o == nil || (e.Owner != nil && *e.Owner == *o) {
		return false, nil
	}
	unlock, err := reg.Lock()
	if err != nil {
		return false, err
	}
	defer unlock()
	// Read again under the lock: a stop may have unregistered it since.
	cur, err := reg.Get(e.VIP)
	if err != nil || cur == nil {
		return false, err
	}
	cur.Owner = o
	return true, reg.Put(*cur)
}

// ownerWatch is the announcer's watch over the executors of its routes.
func ownerWatch(c *ocf.Context, h host) *announce.OwnerWatch {
	grace := announce.DefaultOwnerGrace
	if d, err := time.ParseDuration(c.Env.Get(ownerGraceEnv)); err == nil && d > 0 {
		grace = d
	}
	return &announce.OwnerWatch{
		Grace: grace,
		Alive: func(o announce.Owner) bool {
			return pcmk.Alive(procRoot, pcmk.Proc{PID: o.PID, Start: o.Start})
		},
		Unmanaged: unmanaged,
		// On the announcer's host: the release runs in its loop.
		Release: func(e announce.Entry) error { return dropVIP(h, e.VIP) },
	}
}

// unmanaged tells from the configuration last saved on this node whether
// the cluster holds o's resource as it is. A Pacemaker Remote node keeps
// none: there the grace alone decides.
func unmanaged(o announce.Owner) (bool, string, error) {
	cib, err := pcmk.ReadCIB(fsRoot)
	if errors.Is(err, pcmk.ErrNoCIB) {
		return false, "", nil
	}
	if err != nil {
		return false, "", err
	}
	return pcmk.Unmanaged(cib, o.Node, o.Resource)
}
