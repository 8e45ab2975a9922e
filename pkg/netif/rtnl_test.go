//go:build linux

package netif

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"reflect"
	"testing"

	"golang.org/x/sys/unix"
)

// msg frames payload as one netlink message of typ with seq, padded as
// the kernel pads: the length excludes the padding.
func msg(typ, flags uint16, seq uint32, payload []byte) []byte {
	b := make([]byte, nlmsgHeaderLen, nlmsgHeaderLen+len(payload))
	binary.NativeEndian.PutUint32(b[0:4], uint32(nlmsgHeaderLen+len(payload)))
	binary.NativeEndian.PutUint16(b[4:6], typ)
	binary.NativeEndian.PutUint16(b[6:8], flags)
	binary.NativeEndian.PutUint32(b[8:12], seq)
	b = append(b, payload...)
	return append(b, make([]byte, align(len(b))-len(b))...)
}

func TestParseMessages(t *testing.T) {
	two := append(msg(unix.RTM_NEWADDR, unix.NLM_F_MULTI, 7, []byte{1, 2, 3}), msg(unix.NLMSG_DONE, 0, 7, u32(0))...)
	tests := []struct {
		name    string
		in      []byte
		want    []rawMessage
		wantErr bool
	}{
		{"empty", nil, nil, false},
		{"two, the first padded", two, []rawMessage{
			{message{unix.RTM_NEWADDR, unix.NLM_F_MULTI, []byte{1, 2, 3}}, 7},
			{message{unix.NLMSG_DONE, 0, u32(0)}, 7},
		}, false},
		{"length beyond the datagram", msg(unix.RTM_NEWADDR, 0, 1, nil)[:nlmsgHeaderLen-1], nil, false},
		{"declared length too long", append(u32(100), make([]byte, 12)...), nil, true},
		{"declared length shorter than a header", append(u32(4), make([]byte, 12)...), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseMessages(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestAckError(t *testing.T) {
	errno := func(e int32) []byte { return binary.NativeEndian.AppendUint32(nil, uint32(-e)) }
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"acknowledgement", errno(0), nil},
		{"no such device", errno(int32(unix.ENODEV)), unix.ENODEV},
		{"exists", errno(int32(unix.EEXIST)), unix.EEXIST},
	}
	for _, tt := range tests {
		if got := ackError(tt.in); !errors.Is(got, tt.want) || (tt.want == nil) != (got == nil) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if ackError([]byte{1}) == nil {
		t.Error("a truncated error message was taken as an acknowledgement")
	}
	if doneError(nil) != nil {
		t.Error("NLMSG_DONE without an errno (older kernels) is not an error")
	}
}

func TestAddrRoundTrip(t *testing.T) {
	tests := []Addr{
		{Prefix: netip.MustParsePrefix("192.168.1.10/24"), LinkIndex: 3, Label: "eth0:vip", Broadcast: netip.MustParseAddr("192.168.1.255")},
		{Prefix: netip.MustParsePrefix("10.0.0.1/32"), LinkIndex: 2, Flags: FlagNoPrefixRoute},
		{Prefix: netip.MustParsePrefix("127.0.0.3/8"), LinkIndex: 1},
		{Prefix: netip.MustParsePrefix("2001:db8::10/64"), LinkIndex: 4, Flags: FlagTentative},
	}
	for _, want := range tests {
		got, ok := decodeAddr(encodeAddr(want, want.LinkIndex))
		if !ok {
			t.Errorf("%v: not decoded", want.Prefix)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	}
}

func TestEncodeAddrScope(t *testing.T) {
	if b := encodeAddr(Addr{Prefix: netip.MustParsePrefix("127.0.0.3/8")}, 1); b[3] != unix.RT_SCOPE_HOST {
		t.Errorf("127/8 scope %d, want host", b[3])
	}
	if b := encodeAddr(Addr{Prefix: netip.MustParsePrefix("10.1.1.1/8")}, 1); b[3] != unix.RT_SCOPE_UNIVERSE {
		t.Errorf("10/8 scope %d, want universe", b[3])
	}
}

func TestDecodeAddrPointToPoint(t *testing.T) {
	// On a point-to-point link IFA_ADDRESS is the peer: the address is
	// IFA_LOCAL whatever the order.
	b := make([]byte, ifaddrmsgLen)
	b[0], b[1] = unix.AF_INET, 32
	b = appendAttr(b, unix.IFA_ADDRESS, []byte{10, 0, 0, 2})
	b = appendAttr(b, unix.IFA_LOCAL, []byte{10, 0, 0, 1})
	a, ok := decodeAddr(b)
	if !ok || a.Prefix != netip.MustParsePrefix("10.0.0.1/32") || a.Peer != netip.MustParseAddr("10.0.0.2") {
		t.Errorf("got %v peer %v %v, want 10.0.0.1/32 peer 10.0.0.2", a.Prefix, a.Peer, ok)
	}
}

func TestDecodeLink(t *testing.T) {
	b := make([]byte, ifinfomsgLen)
	binary.NativeEndian.PutUint32(b[4:8], 7)
	binary.NativeEndian.PutUint32(b[8:12], unix.IFF_UP|unix.IFF_NOARP)
	b = appendAttr(b, unix.IFLA_IFNAME, []byte("eth0\x00"))
	b = appendAttr(b, unix.IFLA_ADDRESS, []byte{2, 0, 0, 0, 0, 1})
	b = appendAttr(b, unix.IFLA_OPERSTATE, []byte{operLowerLayerDown})
	props := appendAttr(nil, unix.IFLA_ALT_IFNAME, []byte("uplink\x00"))
	props = appendAttr(props, unix.IFLA_ALT_IFNAME, []byte("a-very-long-alternative-name\x00"))
	b = appendAttr(b, unix.IFLA_PROP_LIST|unix.NLA_F_NESTED, props)
	got, ok := decodeLink(b)
	want := Link{Index: 7, Name: "eth0", AltNames: []string{"uplink", "a-very-long-alternative-name"},
		MAC: []byte{2, 0, 0, 0, 0, 1}, AdminUp: true, OperDown: true, NoARP: true}
	if !ok {
		t.Fatal("not decoded")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestEncodeLinkQuery(t *testing.T) {
	nameAttr := func(b []byte) (uint16, string) {
		for _, a := range parseAttrs(b[ifinfomsgLen:]) {
			if a.typ == unix.IFLA_IFNAME || a.typ == unix.IFLA_ALT_IFNAME {
				return a.typ, cString(a.value)
			}
		}
		return 0, ""
	}
	tests := []struct {
		index    int
		name     string
		wantType uint16
	}{
		{0, "eth0", unix.IFLA_IFNAME},
		{0, "fifteen-chars-x", unix.IFLA_IFNAME},
		{0, "sixteen-chars-xy", unix.IFLA_ALT_IFNAME}, // longer than IFNAMSIZ-1: only an altname
		{5, "", 0},
	}
	for _, tt := range tests {
		b := encodeLinkQuery(tt.index, tt.name)
		typ, name := nameAttr(b)
		if typ != tt.wantType || name != tt.name || int(binary.NativeEndian.Uint32(b[4:8])) != tt.index {
			t.Errorf("(%d, %q): attribute %d %q", tt.index, tt.name, typ, name)
		}
	}
}

func TestDecodeRoute(t *testing.T) {
	route := func(family, bits, table, typ, scope byte, flags uint32, attrs ...attr) []byte {
		b := []byte{family, bits, 0, 0, table, unix.RTPROT_KERNEL, scope, typ, 0, 0, 0, 0}
		binary.NativeEndian.PutUint32(b[8:12], flags)
		for _, a := range attrs {
			b = appendAttr(b, a.typ, a.value)
		}
		return b
	}
	tests := []struct {
		name string
		in   []byte
		want Route
		ok   bool
	}{
		{"subnet route", route(unix.AF_INET, 24, TableMain, TypeUnicast, ScopeLink, 0,
			attr{unix.RTA_DST, []byte{192, 168, 1, 0}}, attr{unix.RTA_OIF, u32(3)}, attr{unix.RTA_PRIORITY, u32(100)},
			attr{unix.RTA_PREFSRC, []byte{192, 168, 1, 1}}, attr{unix.RTA_TABLE, u32(TableMain)}),
			Route{Dst: netip.MustParsePrefix("192.168.1.0/24"), LinkIndex: 3, Metric: 100, Table: TableMain,
				Type: TypeUnicast, Scope: ScopeLink, Protocol: unix.RTPROT_KERNEL, Src: netip.MustParseAddr("192.168.1.1")}, true},
		{"default via a gateway", route(unix.AF_INET, 0, TableMain, TypeUnicast, 0, 0,
			attr{unix.RTA_GATEWAY, []byte{192, 168, 1, 254}}, attr{unix.RTA_OIF, u32(3)}),
			Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), LinkIndex: 3, Table: TableMain, Type: TypeUnicast,
				Protocol: unix.RTPROT_KERNEL, Gateway: true, Via: netip.MustParseAddr("192.168.1.254")}, true},
		{"IPv4 via an IPv6 gateway", route(unix.AF_INET, 0, TableMain, TypeUnicast, 0, 0,
			attr{unix.RTA_VIA, append([]byte{unix.AF_INET6, 0}, netip.MustParseAddr("fe80::1").AsSlice()...)}, attr{unix.RTA_OIF, u32(3)}),
			Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), LinkIndex: 3, Table: TableMain, Type: TypeUnicast,
				Protocol: unix.RTPROT_KERNEL, Gateway: true, Via: netip.MustParseAddr("fe80::1")}, true},
		// ip route add default nexthop via 10.1.1.2 dev ua nexthop via
		// 10.1.2.2 dev ub weight 3, the first without carrier: no RTA_OIF.
		{"multipath default", route(unix.AF_INET, 0, TableMain, TypeUnicast, 0, 0,
			attr{unix.RTA_MULTIPATH, append(
				rtnexthop(unix.RTNH_F_LINKDOWN, 0, 4, attr{unix.RTA_GATEWAY, []byte{10, 1, 1, 2}}),
				rtnexthop(0, 2, 6, attr{unix.RTA_GATEWAY, []byte{10, 1, 2, 2}})...)}),
			Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), Table: TableMain, Type: TypeUnicast, Protocol: unix.RTPROT_KERNEL,
				Gateway: true, Nexthops: []Nexthop{
					{LinkIndex: 4, Gateway: netip.MustParseAddr("10.1.1.2"), Flags: unix.RTNH_F_LINKDOWN, Weight: 1},
					{LinkIndex: 6, Gateway: netip.MustParseAddr("10.1.2.2"), Weight: 3},
				}}, true},
		{"nexthop object, compat mode off", route(unix.AF_INET, 0, TableMain, TypeUnicast, 0, 0, attr{rtaNHID, u32(10)}),
			Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), Table: TableMain, Type: TypeUnicast, Protocol: unix.RTPROT_KERNEL,
				NexthopID: 10}, true},
		{"table above 255", route(unix.AF_INET, 32, 252, TypeUnicast, ScopeLink, 0,
			attr{unix.RTA_DST, []byte{10, 1, 1, 1}}, attr{unix.RTA_TABLE, u32(1000)}),
			Route{Dst: netip.MustParsePrefix("10.1.1.1/32"), Table: 1000, Type: TypeUnicast, Scope: ScopeLink,
				Protocol: unix.RTPROT_KERNEL}, true},
		{"IPv6", route(unix.AF_INET6, 64, TableMain, TypeUnicast, 0, 0,
			attr{unix.RTA_DST, netip.MustParseAddr("2001:db8::").AsSlice()}, attr{unix.RTA_OIF, u32(2)}),
			Route{Dst: netip.MustParsePrefix("2001:db8::/64"), LinkIndex: 2, Table: TableMain, Type: TypeUnicast,
				Protocol: unix.RTPROT_KERNEL}, true},
		{"cloned", route(unix.AF_INET, 32, TableMain, TypeUnicast, 0, unix.RTM_F_CLONED), Route{}, false},
		{"prefix longer than the address", route(unix.AF_INET, 33, TableMain, TypeUnicast, 0, 0), Route{}, false},
		{"destination of the wrong length", route(unix.AF_INET, 24, TableMain, TypeUnicast, 0, 0,
			attr{unix.RTA_DST, []byte{10, 0, 0}}), Route{}, false},
		{"another family", route(unix.AF_BRIDGE, 0, TableMain, TypeUnicast, 0, 0), Route{}, false},
		{"truncated header", []byte{unix.AF_INET, 24}, Route{}, false},
	}
	for _, tt := range tests {
		got, ok := decodeRoute(tt.in)
		if ok != tt.ok {
			t.Errorf("%s: ok %v, want %v", tt.name, ok, tt.ok)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// rtnexthop encodes one struct rtnexthop of an RTA_MULTIPATH value.
func rtnexthop(flags, hops byte, ifindex uint32, attrs ...attr) []byte {
	b := make([]byte, rtnexthopLen)
	b[2], b[3] = flags, hops
	binary.NativeEndian.PutUint32(b[4:8], ifindex)
	for _, a := range attrs {
		b = appendAttr(b, a.typ, a.value)
	}
	binary.NativeEndian.PutUint16(b[0:2], uint16(len(b)))
	return b
}

func TestDecodeMultipathStopsAtMalformedTail(t *testing.T) {
	b := rtnexthop(0, 0, 2)
	b = append(b, 0xff, 0x00, 0, 0, 3, 0, 0, 0) // declares 255 octets
	if got := decodeMultipath(unix.AF_INET, b); len(got) != 1 || got[0].LinkIndex != 2 {
		t.Errorf("got %+v, want the first nexthop only", got)
	}
}

func TestDecodeNexthop(t *testing.T) {
	nhmsg := func(family byte, flags uint32, attrs ...attr) []byte {
		b := make([]byte, nhmsgLen)
		b[0] = family
		binary.NativeEndian.PutUint32(b[4:8], flags)
		for _, a := range attrs {
			b = appendAttr(b, a.typ, a.value)
		}
		return b
	}
	member := func(id uint32, weightMinusOne byte) []byte {
		b := binary.NativeEndian.AppendUint32(nil, id)
		return append(b, weightMinusOne, 0, 0, 0)
	}
	tests := []struct {
		name string
		in   []byte
		want nexthopObject
		ok   bool
	}{
		{"nexthop", nhmsg(unix.AF_INET, unix.RTNH_F_LINKDOWN, attr{unix.NHA_ID, u32(1)}, attr{unix.NHA_OIF, u32(4)},
			attr{unix.NHA_GATEWAY, []byte{10, 1, 1, 2}}),
			nexthopObject{id: 1, nexthop: Nexthop{LinkIndex: 4, Gateway: netip.MustParseAddr("10.1.1.2"),
				Flags: unix.RTNH_F_LINKDOWN, Weight: 1}}, true},
		{"group", nhmsg(unix.AF_UNSPEC, 0, attr{unix.NHA_ID, u32(10)}, attr{unix.NHA_GROUP, append(member(1, 0), member(2, 4)...)}),
			nexthopObject{id: 10, nexthop: Nexthop{Weight: 1}, group: []groupMember{{1, 1}, {2, 5}}}, true},
		{"blackhole", nhmsg(unix.AF_INET, 0, attr{unix.NHA_ID, u32(3)}, attr{unix.NHA_BLACKHOLE, nil}),
			nexthopObject{id: 3, nexthop: Nexthop{Weight: 1}, blackhole: true}, true},
		{"no id", nhmsg(unix.AF_INET, 0, attr{unix.NHA_OIF, u32(4)}), nexthopObject{}, false},
		{"truncated", []byte{unix.AF_INET}, nexthopObject{}, false},
	}
	for _, tt := range tests {
		got, ok := decodeNexthop(tt.in)
		if ok != tt.ok || (ok && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("%s: got %+v %v, want %+v %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseAttrsStopsAtMalformedTail(t *testing.T) {
	b := appendAttr(nil, 1, []byte{1, 2, 3, 4})
	b = append(b, 0xff, 0x00, 0x02, 0x00) // declares 255 octets
	got := parseAttrs(b)
	if len(got) != 1 || got[0].typ != 1 {
		t.Errorf("got %+v, want the first attribute only", got)
	}
}

// FuzzDecode feeds arbitrary datagrams through every decoder: none may
// panic, and whatever decodes must be a valid value.
func FuzzDecode(f *testing.F) {
	f.Add(msg(unix.RTM_NEWADDR, 0, 1, encodeAddr(Addr{Prefix: netip.MustParsePrefix("192.0.2.1/24"), Label: "eth0"}, 2)))
	f.Add(msg(unix.RTM_NEWLINK, 0, 1, encodeLinkQuery(0, "eth0")))
	f.Add(msg(unix.RTM_NEWROUTE, 0, 1, encodeRouteDump(unix.AF_INET)))
	f.Add(msg(unix.RTM_NEWROUTE, 0, 1, appendAttr(encodeRouteDump(unix.AF_INET), unix.RTA_MULTIPATH,
		rtnexthop(0, 0, 2, attr{unix.RTA_GATEWAY, []byte{10, 0, 0, 1}}))))
	f.Add(msg(unix.RTM_NEWNEXTHOP, 0, 1, appendAttr(appendAttr(make([]byte, nhmsgLen), unix.NHA_ID, u32(10)),
		unix.NHA_GROUP, []byte{1, 0, 0, 0, 0, 0, 0, 0})))
	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, err := parseMessages(b)
		if err != nil {
			return
		}
		for _, m := range msgs {
			if a, ok := decodeAddr(m.data); ok && !a.Prefix.IsValid() {
				t.Errorf("decoded an invalid prefix from %x", m.data)
			}
			if r, ok := decodeRoute(m.data); ok && !r.Dst.IsValid() {
				t.Errorf("decoded an invalid destination from %x", m.data)
			}
			if o, ok := decodeNexthop(m.data); ok && o.id == 0 {
				t.Errorf("decoded nexthop id 0 from %x", m.data)
			}
			if l, ok := decodeLink(m.data); ok && l.Index <= 0 {
				t.Errorf("decoded link index %d", l.Index)
			}
			_ = ackError(m.data)
		}
	})
}
