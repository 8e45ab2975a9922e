package main

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"runtime"
	"strconv"

	"github.com/ocfnet/ocfnet/pkg/ocf"
	"golang.org/x/sys/unix"
)

// errNoNamespace marks a network_namespace missing on this node.
var errNoNamespace = errors.New("network namespace not found")

// prepare runs before every action: it rewrites ip for unique clones and
// enters network_namespace, so the actions see the node they manage. done
// ends a stop whose namespace cannot hold the VIP before it looks for it.
func prepare(c *ocf.Context) (done bool, err error) {
	if err := uniqueClone(c); err != nil {
		if c.Action == ocf.ActionStop {
			c.Log.Warnf("%v", err)
			return false, nil
		}
		return false, err
	}
	ns := c.Params.Get(pNetworkNamespace)
	if ns == "" {
		return false, nil
	}
	if err := checkNamespace(ns); err != nil {
		if c.Action == ocf.ActionStop {
			return true, nil
		}
		return false, ocf.Fail(ocf.ErrConfigured, "invalid network_namespace: %w", err)
	}
	if err := enterNamespace(ns); err != nil {
		return namespaceMissing(c, ns, err)
	}
	return false, nil
}

// enterNamespace switches this thread into the named namespace for the
// rest of the process: netlink and packet sockets are opened in the
// namespace of the thread that opens them, and actions run on the main
// goroutine, which stays locked to this thread.
func enterNamespace(name string) error {
	runtime.LockOSThread()
	fd, err := unix.Open(filepath.Join(netnsDir, name), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	return unix.Setns(fd, unix.CLONE_NEWNET)
}

// netnsDir is where ip-netns(8) keeps its named namespaces.
const netnsDir = "/run/netns"

// namespaceMissing maps a namespace that cannot be entered to each
// action's answer: nothing can be running in it, so stop succeeds and a
// probe says not running; starting here is impossible on this node only.
func namespaceMissing(c *ocf.Context, ns string, err error) (done bool, _ error) {
	switch {
	case c.Action == ocf.ActionStop:
		c.Log.Infof("network namespace %s not found: nothing to stop", ns)
		return true, nil
	case c.Probe():
		return false, ocf.NotRunning.Err()
	}
	return false, ocf.Fail(ocf.ErrInstalled, "network namespace %s: %w", ns, fmt.Errorf("%w: %w", errNoNamespace, err))
}

// uniqueClone implements unique_clone_address: in a globally-unique clone
// each instance adds its instance number to the last octet of ip.
func uniqueClone(c *ocf.Context) error {
	if !c.Params.Bool(pUniqueClone) {
		return nil
	}
	if unique, _ := ocf.ParseBool(ocf.Meta(c.Env, "globally_unique")); !unique {
		return ocf.Fail(ocf.ErrConfigured, "unique_clone_address requires the clone meta attribute globally-unique=true")
	}
	ip, err := parseIP(c.Params)
	if err != nil {
		return ocf.Fail(ocf.ErrConfigured, "%w", err)
	}
	n, err := strconv.Atoi(ocf.Meta(c.Env, "clone"))
	if err != nil || n < 0 {
		return ocf.Fail(ocf.ErrConfigured, "unique_clone_address needs the clone instance number (CRM_meta_clone)")
	}
	if !ip.Is4() {
		return ocf.Fail(ocf.ErrConfigured, "unique_clone_address is for IPv4 addresses only")
	}
	b := ip.As4()
	if int(b[3])+n > 254 {
		return ocf.Fail(ocf.ErrConfigured, "%s plus clone instance %d leaves the last octet's range", ip, n)
	}
	b[3] += byte(n)
	c.Params.Set(pIP, netip.AddrFrom4(b).String())
	return nil
}
