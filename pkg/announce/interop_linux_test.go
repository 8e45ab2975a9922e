package announce

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ocfnet/ocfnet/internal/testnet"
	"github.com/ocfnet/ocfnet/pkg/rip"
)

// The CLUSTERPRO example: server1 192.168.10.221/24 behind a router
// (192.168.10.220), a client 192.168.12.223 behind the same router
// (192.168.12.220), and the VIP 192.168.13.229 on no attached subnet.
const (
	vipAddr   = "192.168.13.229"
	server1   = "192.168.10.221"
	routerLAN = "192.168.10.220"
)

var ripv2Multicast = netip.MustParseAddr("224.0.0.9")

type lab struct {
	server, router, client *testnet.NS
}

func newLab(t *testing.T) *lab {
	testnet.RequireRoot(t)
	n := testnet.New(t)
	l := &lab{server: n.NS("server1"), router: n.NS("router"), client: n.NS("client")}
	n.Veth(l.server, "eth0", l.router, "eth0")
	n.Veth(l.client, "eth0", l.router, "eth1")
	l.server.IP(t, "addr", "add", server1+"/24", "dev", "eth0")
	l.server.IP(t, "addr", "add", vipAddr+"/32", "dev", "lo")
	l.server.IP(t, "route", "add", "default", "via", routerLAN)
	l.router.IP(t, "addr", "add", routerLAN+"/24", "dev", "eth0")
	l.router.IP(t, "addr", "add", "192.168.12.220/24", "dev", "eth1")
	l.router.Run(t, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	l.client.IP(t, "addr", "add", "192.168.12.223/24", "dev", "eth0")
	l.client.IP(t, "route", "add", "default", "via", "192.168.12.220")
	return l
}

// send announces the VIP from server1 once, as the announcer will.
func (l *lab) send(t *testing.T, key rip.Key, metric uint32, dst netip.Addr) time.Time {
	t.Helper()
	msg := &rip.Message{Command: rip.Response, Version: 2, Routes: []rip.Route{
		{Prefix: netip.MustParsePrefix(vipAddr + "/32"), Metric: metric},
	}}
	b, err := key.Marshal(msg, uint32(time.Now().Unix()))
	if err != nil {
		t.Fatal(err)
	}
	var sent time.Time
	l.server.Do(t, func() {
		s, err := NewSender("eth0", ifindex(t, "eth0"), netip.MustParseAddr(server1))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		sent = time.Now()
		if err := s.Send(dst, b); err != nil {
			t.Fatal(err)
		}
	})
	return sent
}

func viaServer(r testnet.Route, found bool) bool {
	return found && len(r.Via()) == 1 && r.Via()[0] == server1
}

func gone(_ testnet.Route, found bool) bool { return !found }

// learnAndWithdraw announces, checks the router's kernel routes the VIP via
// server1 and the client reaches it, then poisons and checks it is gone.
func (l *lab) learnAndWithdraw(t *testing.T, key rip.Key, dst netip.Addr) {
	t.Helper()
	l.send(t, key, 1, dst)
	took, ok := l.router.WaitRoute(t, vipAddr, 5*time.Second, viaServer)
	if !ok {
		t.Fatalf("router did not learn %s via %s", vipAddr, server1)
	}
	p := l.client.Ping(t, vipAddr, 20*time.Millisecond, 30*time.Second)
	p.Wait(10*time.Second, func(r testnet.PingResult) bool { return r.Received > 0 })
	if res := p.Stop(); res.Received == 0 {
		t.Errorf("client got no reply from the VIP (sent %d)", res.Sent)
	}
	l.send(t, key, rip.Infinity, dst)
	if _, ok := l.router.WaitRoute(t, vipAddr, 5*time.Second, gone); !ok {
		t.Fatal("poison did not withdraw the route")
	}
	t.Logf("learned %v after the packet was sent", took)
}

// neverLearned sends with key and checks for a second that the router does
// not install the route.
func (l *lab) neverLearned(t *testing.T, key rip.Key) {
	t.Helper()
	l.send(t, key, 1, ripv2Multicast)
	if _, ok := l.router.WaitRoute(t, vipAddr, time.Second, viaServer); ok {
		t.Fatalf("router learned the VIP from a packet with the wrong key (mode %d)", key.Mode)
	}
}

const frrBase = `router rip
 version 2
 network eth0
 network eth1
exit
`

func TestLinuxFRR(t *testing.T) {
	l := newLab(t)
	l.router.StartFRR(t, frrBase).WaitRIP(t, "eth0")
	for _, dst := range []string{"224.0.0.9", "192.168.10.255", routerLAN} {
		t.Run("to "+dst, func(t *testing.T) { l.learnAndWithdraw(t, rip.Key{}, netip.MustParseAddr(dst)) })
	}
}

func TestLinuxFRRAuth(t *testing.T) {
	tests := []struct {
		name   string
		iface  string
		good   rip.Key
		wrong  rip.Key
		noAuth bool
	}{
		{"md5", " ip rip authentication mode md5 auth-length old-ripd\n ip rip authentication key-chain vip\n",
			rip.Key{Mode: rip.AuthMD5, Secret: []byte("s3cret"), ID: 1}, rip.Key{Mode: rip.AuthMD5, Secret: []byte("wrong"), ID: 1}, true},
		{"md5 rfc length", " ip rip authentication mode md5 auth-length rfc\n ip rip authentication key-chain vip\n",
			rip.Key{Mode: rip.AuthMD5, Secret: []byte("s3cret"), ID: 1, MD5DataLen: 16}, rip.Key{Mode: rip.AuthMD5, Secret: []byte("s3creT"), ID: 1, MD5DataLen: 16}, true},
		{"simple", " ip rip authentication mode text\n ip rip authentication string s3cret\n",
			rip.Key{Mode: rip.AuthSimple, Secret: []byte("s3cret")}, rip.Key{Mode: rip.AuthSimple, Secret: []byte("nope")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLab(t)
			conf := "key chain vip\n key 1\n  key-string s3cret\n exit\nexit\ninterface eth0\n" + tt.iface + "exit\n" + frrBase
			frr := l.router.StartFRR(t, conf)
			frr.WaitRIP(t, "eth0")
			l.neverLearned(t, tt.wrong)
			if tt.noAuth {
				l.neverLearned(t, rip.Key{})
			}
			l.learnAndWithdraw(t, tt.good, ripv2Multicast)
			if t.Failed() {
				t.Log(frr.Log())
			}
		})
	}
}

const birdBase = `router id 192.168.10.220;
protocol device { }
protocol kernel { ipv4 { import none; export all; }; }
protocol rip rip1 {
  ecmp no;
  ipv4 { import all; export none; };
  interface "eth0" { version 2; %s };
}
`

func TestLinuxBIRD(t *testing.T) {
	l := newLab(t)
	l.router.StartBIRD(t, strings.Replace(birdBase, "%s", "", 1)).WaitRIP(t, "eth0")
	for _, dst := range []string{"224.0.0.9", "192.168.10.255", routerLAN} {
		t.Run("to "+dst, func(t *testing.T) { l.learnAndWithdraw(t, rip.Key{}, netip.MustParseAddr(dst)) })
	}
}

func TestLinuxBIRDAuth(t *testing.T) {
	tests := []struct {
		name  string
		conf  string
		good  rip.Key
		wrong rip.Key
	}{
		{"hmac-sha256", `authentication cryptographic; password "s3cret" { id 1; algorithm hmac sha256; };`,
			rip.Key{Mode: rip.AuthHMACSHA256, Secret: []byte("s3cret"), ID: 1}, rip.Key{Mode: rip.AuthHMACSHA256, Secret: []byte("wrong"), ID: 1}},
		{"hmac-sha1", `authentication cryptographic; password "s3cret" { id 2; algorithm hmac sha1; };`,
			rip.Key{Mode: rip.AuthHMACSHA1, Secret: []byte("s3cret"), ID: 2}, rip.Key{Mode: rip.AuthHMACSHA1, Secret: []byte("s3cret"), ID: 3}},
		{"keyed md5", `authentication cryptographic; password "s3cret" { id 1; algorithm keyed md5; };`,
			rip.Key{Mode: rip.AuthMD5, Secret: []byte("s3cret"), ID: 1}, rip.Key{Mode: rip.AuthMD5, Secret: []byte("other"), ID: 1}},
		{"plaintext", `authentication plaintext; password "s3cret";`,
			rip.Key{Mode: rip.AuthSimple, Secret: []byte("s3cret")}, rip.Key{Mode: rip.AuthSimple, Secret: []byte("s3cre")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLab(t)
			bird := l.router.StartBIRD(t, strings.Replace(birdBase, "%s", tt.conf, 1))
			bird.WaitRIP(t, "eth0")
			l.neverLearned(t, tt.wrong)
			l.neverLearned(t, rip.Key{})
			l.learnAndWithdraw(t, tt.good, ripv2Multicast)
			if t.Failed() {
				t.Log(bird.Log())
			}
		})
	}
}
