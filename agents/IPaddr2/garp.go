package main

import (
	"context"
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
	if rec == nil || netif.IsLoopbackName(rec.NIC) || garpRunning(c, ip) {
		return
	}
	spawnGARP(c, ip, rec.NIC, c.Params.Int(pARPCountRefresh), time.Now(), nil)
}

func garpPidfileName(ip netip.Addr) string { return "ocfnet-IPaddr2-" + ip.String() + ".garp" }

// spawnGARP starts the detached sender; sock, if not nil, is inherited by
// it. It reports whether the sender started.
func spawnGARP(c *ocf.Context, ip netip.Addr, nic string, count int, at time.Time, sock *os.File) bool {
	pidfile, err := c.StatePath(garpPidfileName(ip))
	if err != nil {
		c.Log.Warnf("gratuitous ARP: %v", err)
		return false
	}
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
	if err := ocf.WriteFileAtomic(pidfile, []byte(strconv.Itoa(pid)+"\n")); err != nil {
		c.Log.Warnf("gratuitous ARP pidfile: %v", err)
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

// stopGARP ends the VIP's detached sender before stop removes the VIP, so
// no announcement for it leaves the node after stop.
func stopGARP(c *ocf.Context, ipParam string) {
	ip, err := netip.ParseAddr(ipParam)
	if err != nil {
		return
	}
	if pid := senderPid(c, ip); pid != 0 {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			c.Log.Warnf("stopping gratuitous ARP sender %d: %v", pid, err)
		}
	}
	_ = os.Remove(c.StateFile(garpPidfileName(ip)))
}

// runGARP is the detached sender. Before each pair it checks that the VIP
// is still on the interface, so it never announces a removed address.
func runGARP(c *ocf.Context) error {
	ip, err := netip.ParseAddr(c.Env.Get(envGARPIP))
	if err != nil {
		return ocf.Fail(ocf.ErrArgs, "%s: %v", envGARPIP, err)
	}
	count, _ := strconv.Atoi(c.Env.Get(envGARPCount))
	at, _ := strconv.ParseInt(c.Env.Get(envGARPAt), 10, 64)
	nic := c.Env.Get(envGARPNIC)
	h, err := netif.Open()
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	defer h.Close()
	link, err := h.Link(nic)
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	time.Sleep(time.Until(time.Unix(0, at)))
	still := func() error {
		addrs, err := h.AddrsOf(ip)
		if err == nil && len(netif.Holding(addrs, ip, 0, link.Index)) == 0 {
			return errVIPGone
		}
		return err
	}
	every := time.Duration(c.Params.Int(pARPInterval)) * time.Millisecond
	if ip.Is6() {
		err = sendNAs(link.Name, ip, count, every, still)
	} else {
		err = sendARPs(link.Name, ip, count, every, still)
	}
	pidfile := c.StateFile(garpPidfileName(ip))
	if pid, _ := ocf.ReadPidFile(pidfile); pid == os.Getpid() {
		_ = os.Remove(pidfile)
	}
	if err != nil && !errors.Is(err, errVIPGone) {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	return nil
}

// sendARPs and sendNAs are the detached sender's loops. Not the action's
// deadline: the operation's timeout bounds start, not this.
func sendARPs(nic string, ip netip.Addr, count int, every time.Duration, still func() error) error {
	conn, err := garp.Dial(nic)
	if err != nil {
		return err
	}
	defer conn.Close()
	return garp.Announce(context.Background(), conn, conn.HardwareAddr(), ip, count, every, still)
}

func sendNAs(nic string, ip netip.Addr, count int, every time.Duration, still func() error) error {
	conn, err := garp.DialNA(nic, ip)
	if err != nil {
		return err
	}
	defer conn.Close()
	return garp.AnnounceNA(context.Background(), conn, count, every, still)
}

var errVIPGone = errors.New("the address is no longer configured")
