package main

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ocfnet/ocfnet/pkg/announce"
	"github.com/ocfnet/ocfnet/pkg/ocf"
	"github.com/ocfnet/ocfnet/pkg/statefile"
)

// announcerAction is the hidden action of the node's announcer process.
const announcerAction = "_announcer"

const (
	announcerLock    = "announcer.lock"
	announcerPidFile = "announcer.pid"
)

// announcerHelper is the node's announcer: one for all VIPs, so no Key,
// and no inputs (it reads the registry).
func announcerHelper(reg announce.Registry) ocf.Helper {
	return ocf.Helper{Action: announcerAction, PidFile: filepath.Join(reg.Dir, announcerPidFile)}
}

// announcerPid returns the pid of the node's running announcer, or 0. The
// pid is checked against /proc: alive, not a zombie, and the announcer.
func announcerPid(reg announce.Registry) int { return announcerHelper(reg).Pid() }

// announcerWait bounds how long start waits for a new announcer to come
// up; it takes a few milliseconds.
const announcerWait = 2 * time.Second

// respawnAfter is how long start waits for a spawned announcer before it
// spawns another. An announcer that is dying (killed) loses its command
// line, which announcerPid checks, a moment before it releases its
// single-instance lock: one spawned in that moment finds the lock taken
// and exits, and the next one gets the lock.
const respawnAfter = 200 * time.Millisecond

// ensureAnnouncer starts the announcer unless one runs, and returns once
// one runs: Pacemaker's first recurring monitor follows start at once and
// must find it. Two starts racing may both spawn one; the second finds the
// lock taken and exits, and both see the first.
func ensureAnnouncer(c *ocf.Context, reg announce.Registry) error {
	deadline := time.Now().Add(announcerWait)
	for {
		if announcerPid(reg) != 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("the announcer did not come up")
		}
		if _, err := announcerHelper(reg).Start(c, nil, nil); err != nil {
			return err
		}
		for respawn := time.Now().Add(respawnAfter); time.Now().Before(respawn); time.Sleep(time.Millisecond) {
			if announcerPid(reg) != 0 {
				return nil
			}
		}
	}
}

// runAnnouncer is the announcer process: one per node (an exclusive lock
// held for its life), refreshing every registered route until none is
// left. Its memory does not grow with the number of VIPs beyond their
// registry entries.
func runAnnouncer(c *ocf.Context, h host) error {
	reg, err := registry(c)
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	lock, err := statefile.TakeLock(filepath.Join(reg.Dir, announcerLock), statefile.LockOptions{Create: true, NoWait: true})
	if errors.Is(err, statefile.ErrLocked) {
		return nil // another announcer runs
	}
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	self := announcerHelper(reg)
	if err := self.Record(os.Getpid()); err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	tr := announce.NewTransport()
	defer tr.Close()
	a := &announce.Announcer{
		Registry: reg, Send: tr.Send, Clock: clock, Jitter: announce.DefaultJitter, Logf: c.Log.Warnf,
		Owners: ownerWatch(c, h),
		OnEmpty: func() {
			self.Forget(os.Getpid())
			lock.Release()
		},
		Held: func() (map[netip.Addr]bool, error) { return heldVIPs(h) },
	}
	// Not c's deadline: the announcer lives as long as routes are registered.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := a.Run(ctx); err != nil && ctx.Err() == nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	return nil
}

// heldVIPs returns the host addresses (/32, /128) on any interface of
// this node: the VIPs it holds.
func heldVIPs(h host) (map[netip.Addr]bool, error) {
	held := map[netip.Addr]bool{}
	for _, family := range []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()} {
		addrs, err := h.AddrsOf(family)
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			if a.Prefix.Bits() == a.Prefix.Addr().BitLen() {
				held[a.Prefix.Addr()] = true
			}
		}
	}
	return held, nil
}
