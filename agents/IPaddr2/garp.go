package main

import (
	"errors"
	"net/netip"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/ocfnet/ocfnet/pkg/garp"
	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// garpAction is the hidden action of the detached sender that sends the
// announcements start does not wait for.
const garpAction = "_garp"

// garpHelper is ip's detached sender. Its command line carries all it
// is told: "IPaddr2 _garp <ip> <nic> <count> <first, unix ns> <interval, ms>".
func garpHelper(c *ocf.Context, ip netip.Addr) ocf.Helper {
	return ocf.Helper{Action: garpAction, Key: ip.String(), PidFile: c.StateFile(garpPidfileName(ip))}
}

func interval(cfg config) time.Duration { return time.Duration(cfg.arpInterval) * time.Millisecond }

// announce sends the gratuitous ARPs of start: the first pair before start
// returns, so clients can follow at once, and the others from a detached
// sender when arp_bg is set (all of them in the foreground otherwise). ARP failures are logged, never fatal: the VIP
// works, neighbours just learn it later.
func announce(c *ocf.Context, cfg config, t target) {
	if t.link.Loopback || t.link.NoARP || netif.IsLoopbackName(t.link.Name) {
		return
	}
	if cfg.ip.Is6() {
		announceNA(c, cfg, t)
		return
	}
	conn, err := garp.Dial(t.link.Name)
	if err != nil {
		c.Log.Warnf("gratuitous ARP on %s: %v", t.link.Name, err)
		return
	}
	ip, mac, every := cfg.ip, conn.HardwareAddr(), interval(cfg)
	if !cfg.arpBg || cfg.arpCount == 1 {
		defer conn.Close()
		if err := garp.Announce(c, conn, mac, ip, cfg.arpCount, every, nil); err != nil {
			c.Log.Warnf("gratuitous ARP: %v", err)
		}
		return
	}
	// The first pair goes out back to back, without send_arp's half
	// interval between request and reply: start returns once neighbours
	// have both, and the detached sender keeps the interval from here on.
	first := time.Now()
	if err := garp.Pair(c, conn, mac, ip, 0); err != nil {
		c.Log.Warnf("gratuitous ARP: %v", err)
	}
	// The sender inherits the socket, so this process exits without
	// releasing it and start does not wait out the kernel's grace period
	// on close (see garp.Conn.File). Without a sender it is closed here.
	f, err := conn.File()
	if err != nil || !spawnGARP(c, ip, t.link.Name, cfg.arpCount-1, first.Add(every), every, f) {
		conn.Close()
	}
}

// announceNA is announce for IPv6: unsolicited Neighbor Advertisements,
// the first before start returns, the rest as for IPv4. (resource-agents
// sends them all before start returns when arp_bg is unset; here arp_bg
// means the same for both families, and false gives that behaviour.)
func announceNA(c *ocf.Context, cfg config, t target) {
	conn, err := garp.DialNA(t.link.Name, cfg.ip)
	if err != nil {
		c.Log.Warnf("neighbor advertisement on %s: %v", t.link.Name, err)
		return
	}
	defer conn.Close()
	count, every := cfg.arpCount, interval(cfg)
	if cfg.arpBg && count > 1 {
		count = 1
	}
	first := time.Now()
	if err := garp.AnnounceNA(c, conn, count, every, nil); err != nil {
		c.Log.Warnf("neighbor advertisement: %v", err)
	}
	if count < cfg.arpCount {
		spawnGARP(c, cfg.ip, t.link.Name, cfg.arpCount-1, first.Add(every), every, nil)
	}
}

// refreshGARP sends arp_count_refresh announcements after a successful
// monitor, from a detached sender so monitor returns at once.
func refreshGARP(c *ocf.Context, h host) {
	ip, err := parseIP(c.Params)
	if err != nil {
		return
	}
	rec, _ := loadRecord(c, ip)
	if rec == nil || garpRunning(c, ip) {
		return
	}
	// By index: the interface may have been renamed since start.
	link, err := h.LinkByIndex(rec.Index)
	if err != nil || link.Loopback || link.NoARP || netif.IsLoopbackName(link.Name) {
		return
	}
	spawnGARP(c, ip, link.Name, intOrZero(c.Params, pARPCountRefresh), time.Now(),
		time.Duration(intOrZero(c.Params, pARPInterval))*time.Millisecond, nil)
}

func garpPidfileName(ip netip.Addr) string { return "ocfnet-IPaddr2-" + ip.String() + ".garp" }

// spawnGARP starts the detached sender; sock, if not nil, is inherited by
// it. It reports whether the sender started. The sender's pid is
// recorded before the sender can send: spawnGARP holds the announcement
// lock from the spawn until the pid file is written, and a sender sends
// nothing unless the pid file names it. A sender whose pid cannot be
// recorded (the pid file cannot be written, or this action was killed
// in between) would be invisible to stop: it is killed here, and if this
// action dies first it finds itself unrecorded and exits without a packet.
func spawnGARP(c *ocf.Context, ip netip.Addr, nic string, count int, at time.Time, every time.Duration, sock *os.File) bool {
	if _, err := c.StateDir(); err != nil {
		c.Log.Warnf("gratuitous ARP: %v", err)
		return false
	}
	unlock, err := lockVIP(c, ip, true)
	if err != nil {
		c.Log.Warnf("gratuitous ARP: %v", err)
		return false
	}
	defer unlock()
	var files []*os.File
	if sock != nil {
		files = append(files, sock)
	}
	h := garpHelper(c, ip)
	inputs := []string{nic, strconv.Itoa(count), strconv.FormatInt(at.UnixNano(), 10), strconv.FormatInt(every.Milliseconds(), 10)}
	pid, err := h.Start(c, inputs, files,
		// The sender must not apply the clone rewrite to ip a second time.
		"OCF_RESKEY_"+pUniqueClone+"=false")
	if err != nil {
		c.Log.Warnf("gratuitous ARP: %v", err)
		return false
	}
	crashPoint("spawned")
	if err := h.Record(pid); err != nil {
		c.Log.Warnf("gratuitous ARP: not announcing from the background: pid file: %v", err)
		_ = syscall.Kill(pid, syscall.SIGKILL)
		return false
	}
	return true
}

func garpRunning(c *ocf.Context, ip netip.Addr) bool { return garpHelper(c, ip).Pid() != 0 }

// stopGARP ends the VIP's detached senders: the recorded one and any
// this node's actions started but did not record (see ocf.Helper.Strays).
// stop calls it holding the announcement lock, so none is in the middle
// of a send. It returns once none is left, so none is seen after it.
func stopGARP(c *ocf.Context, ip netip.Addr) {
	alive, err := garpHelper(c, ip).Stop(c.Env.Get("HA_RSCTMP"), syscall.SIGKILL, senderDeathWait)
	if err != nil {
		c.Log.Warnf("stopping gratuitous ARP senders: %v", err)
	}
	for _, pid := range alive {
		c.Log.Warnf("gratuitous ARP sender %d still alive after SIGKILL", pid)
	}
}

// senderDeathWait bounds stop's wait for a killed sender to die. One still
// alive after it cannot send all the same: stop holds the lock meanwhile
// and removes the lock file before releasing it (see lockVIP).
const senderDeathWait = 2 * time.Second

// runGARP is the detached sender. Every packet, the reply of a pair as
// much as its request, is sent under the announcement lock after checking
// that this sender is still the recorded one and that the VIP is still on
// the interface: stop removes both under the same lock, so nothing leaves
// for the VIP once stop has returned.
func runGARP(c *ocf.Context, h host) error {
	if len(c.Inputs) != 5 {
		return ocf.Fail(ocf.ErrArgs, "usage: %s %s <ip> <nic> <count> <first> <interval>", c.Agent.Name, garpAction)
	}
	ip, err := netip.ParseAddr(c.Inputs[0])
	if err != nil {
		return ocf.Fail(ocf.ErrArgs, "%v", err)
	}
	nums := make([]int64, 3)
	for i, in := range c.Inputs[2:] {
		if nums[i], err = strconv.ParseInt(in, 10, 64); err != nil {
			return ocf.Fail(ocf.ErrArgs, "%v", err)
		}
	}
	count, at, every := int(nums[0]), time.Unix(0, nums[1]), time.Duration(nums[2])*time.Millisecond
	link, err := h.Link(c.Inputs[1])
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	s := &sender{c: c, h: h, ip: ip, link: link, helper: garpHelper(c, ip)}
	// A sender its spawner could not record leaves at once rather than
	// after its first interval.
	if ok, err := s.guarded(func() error { return nil }); !ok {
		return err
	}
	if ip.Is6() {
		err = s.sendNAs(count, at, every)
	} else {
		err = s.sendARPs(count, at, every)
	}
	s.helper.Forget(os.Getpid())
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	return nil
}

// sender is the detached sender's state.
type sender struct {
	c      *ocf.Context
	h      host
	ip     netip.Addr
	link   netif.Link
	helper ocf.Helper
}

// guarded runs send under the announcement lock if this sender may still
// announce the VIP; ok is false when it may not (nor ever again).
func (s *sender) guarded(send func() error) (ok bool, err error) {
	unlock, err := lockVIP(s.c, s.ip, false)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil // stop has run
	}
	if err != nil {
		return false, err
	}
	defer unlock()
	if !s.helper.Recorded(os.Getpid()) {
		return false, nil
	}
	addrs, err := s.h.AddrsOf(s.ip)
	if err != nil {
		return false, err
	}
	if len(netif.Holding(addrs, s.ip, 0, s.link.Index)) == 0 {
		return false, nil
	}
	return true, send()
}

// sendARPs sends count pairs as garp.Announce schedules them (request
// at k×every from first, its reply half an interval later), each packet
// guarded. Not the action's deadline: the operation's timeout bounds
// start, not this.
func (s *sender) sendARPs(count int, first time.Time, every time.Duration) error {
	conn, err := garp.Dial(s.link.Name)
	if err != nil {
		return err
	}
	defer conn.Close()
	req, err := garp.Request(conn.HardwareAddr(), s.ip)
	if err != nil {
		return err
	}
	rep, err := garp.Reply(conn.HardwareAddr(), s.ip)
	if err != nil {
		return err
	}
	for k := range 2 * count {
		p := req
		if k%2 == 1 {
			p = rep
		}
		time.Sleep(time.Until(first.Add(time.Duration(k) * every / 2)))
		if ok, err := s.guarded(func() error { return conn.WriteTo(p, garp.Broadcast) }); !ok || err != nil {
			return err
		}
	}
	return nil
}

// sendNAs sends count unsolicited advertisements, one every interval from
// first, each guarded.
func (s *sender) sendNAs(count int, first time.Time, every time.Duration) error {
	conn, err := garp.DialNA(s.link.Name, s.ip)
	if err != nil {
		return err
	}
	defer conn.Close()
	for k := range count {
		time.Sleep(time.Until(first.Add(time.Duration(k) * every)))
		if ok, err := s.guarded(conn.Advertise); !ok || err != nil {
			return err
		}
	}
	return nil
}
