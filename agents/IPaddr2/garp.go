package main

import (
	"errors"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ocfnet/ocfnet/pkg/garp"
	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// garpAction is the hidden action of the detached sender that sends the
// announcements start does not wait for.
const garpAction = "_garp"

// Environment of the detached sender.
const (
	envGARPIP    = "OCFNET_GARP_IP"
	envGARPNIC   = "OCFNET_GARP_NIC"
	envGARPCount = "OCFNET_GARP_COUNT"
	envGARPAt    = "OCFNET_GARP_AT" // unix nanoseconds of the first pair
)

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
	if err != nil || !spawnGARP(c, ip, t.link.Name, cfg.arpCount-1, first.Add(every), f) {
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
		spawnGARP(c, cfg.ip, t.link.Name, cfg.arpCount-1, first.Add(every), nil)
	}
}

// refreshGARP sends arp_count_refresh announcements after a successful
// monitor, from a detached sender so monitor returns at once.
func refreshGARP(c *ocf.Context) {
	ip, err := parseIP(c.Params)
	if err != nil {
		return
	}
	rec, _ := loadRecord(c, ip)
	if rec == nil || garpRunning(c, ip) {
		return
	}
	// By index: the interface may have been renamed since start.
	h, err := netif.Open()
	if err != nil {
		return
	}
	defer h.Close()
	link, err := h.LinkByIndex(rec.Index)
	if err != nil || link.Loopback || link.NoARP || netif.IsLoopbackName(link.Name) {
		return
	}
	spawnGARP(c, ip, link.Name, intOrZero(c.Params, pARPCountRefresh), time.Now(), nil)
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
func spawnGARP(c *ocf.Context, ip netip.Addr, nic string, count int, at time.Time, sock *os.File) bool {
	pidfile, err := c.StatePath(garpPidfileName(ip))
	if err != nil {
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
	pid, err := c.Spawn(garpAction, []string{ip.String()}, files,
		envGARPIP+"="+ip.String(), envGARPNIC+"="+nic,
		envGARPCount+"="+strconv.Itoa(count), envGARPAt+"="+strconv.FormatInt(at.UnixNano(), 10),
		// The sender must not apply the clone rewrite to ip a second time.
		"OCF_RESKEY_"+pUniqueClone+"=false")
	if err != nil {
		c.Log.Warnf("gratuitous ARP: %v", err)
		return false
	}
	crashPoint("spawned")
	if err := ocf.WriteFileAtomic(pidfile, []byte(strconv.Itoa(pid)+"\n")); err != nil {
		c.Log.Warnf("gratuitous ARP: not announcing from the background: pid file: %v", err)
		_ = syscall.Kill(pid, syscall.SIGKILL)
		return false
	}
	return true
}

// senderPid returns the pid of this VIP's detached sender, 0 if none runs.
// The pid is checked against /proc so a reused pid is never signalled.
func senderPid(c *ocf.Context, ip netip.Addr) int {
	pid, err := ocf.ReadPidFile(c.StateFile(garpPidfileName(ip)))
	if err != nil || pid == 0 || !ocf.ProcAlive(pid) {
		return 0
	}
	args, err := ocf.ProcArgs(pid)
	if err != nil || len(args) < 3 || args[1] != garpAction || args[2] != ip.String() {
		return 0
	}
	return pid
}

func garpRunning(c *ocf.Context, ip netip.Addr) bool { return senderPid(c, ip) != 0 }

// stopGARP ends the VIP's detached senders: the recorded one and any
// this node's actions started but did not record (see strays). stop calls
// it holding the announcement lock, so none is in the middle of a send.
func stopGARP(c *ocf.Context, ip netip.Addr) {
	pids := strays(c, ip)
	if pid := senderPid(c, ip); pid != 0 && !slices.Contains(pids, pid) {
		pids = append(pids, pid)
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && err != syscall.ESRCH {
			c.Log.Warnf("stopping gratuitous ARP sender %d: %v", pid, err)
		}
	}
	// A killed process lives on until it is scheduled to die: stop
	// returns once none is left, so none is seen after it.
	for _, pid := range pids {
		for deadline := time.Now().Add(senderDeathWait); ocf.ProcAlive(pid) && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		if ocf.ProcAlive(pid) {
			c.Log.Warnf("gratuitous ARP sender %d still alive after SIGKILL", pid)
		}
	}
	_ = os.Remove(c.StateFile(garpPidfileName(ip)))
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
func runGARP(c *ocf.Context) error {
	ip, err := netip.ParseAddr(c.Env.Get(envGARPIP))
	if err != nil {
		return ocf.Fail(ocf.ErrArgs, "%s: %v", envGARPIP, err)
	}
	count, _ := strconv.Atoi(c.Env.Get(envGARPCount))
	at, _ := strconv.ParseInt(c.Env.Get(envGARPAt), 10, 64)
	h, err := netif.Open()
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	defer h.Close()
	link, err := h.Link(c.Env.Get(envGARPNIC))
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	s := &sender{c: c, h: h, ip: ip, link: link, pidfile: c.StateFile(garpPidfileName(ip))}
	// A sender its spawner could not record leaves at once rather than
	// after its first interval.
	if ok, err := s.guarded(func() error { return nil }); !ok {
		return err
	}
	every := time.Duration(intOrZero(c.Params, pARPInterval)) * time.Millisecond
	if ip.Is6() {
		err = s.sendNAs(count, time.Unix(0, at), every)
	} else {
		err = s.sendARPs(count, time.Unix(0, at), every)
	}
	if pid, _ := ocf.ReadPidFile(s.pidfile); pid == os.Getpid() {
		_ = os.Remove(s.pidfile)
	}
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	return nil
}

// sender is the detached sender's state.
type sender struct {
	c       *ocf.Context
	h       *netif.Host
	ip      netip.Addr
	link    netif.Link
	pidfile string
}

// recorded reports whether the pid file names this process.
func (s *sender) recorded() bool {
	b, err := s.c.ReadState(garpPidfileName(s.ip))
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return err == nil && pid == os.Getpid()
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
	if !s.recorded() {
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
