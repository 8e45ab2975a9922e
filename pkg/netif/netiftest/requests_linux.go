package netiftest

import (
	"encoding/binary"
	"net/netip"
	"slices"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"golang.org/x/sys/unix"
)

// The requests that look a link up or change the kernel's state, with
// the kernel's answers to them.

func (k *Kernel) linkAt(index int) int {
	return slices.IndexFunc(k.Links, func(l netif.Link) bool { return l.Index == index })
}

// findLink resolves an RTM_GETLINK request: by index, else by name or
// alternative name (the kernel keeps both in one table).
func (k *Kernel) findLink(p []byte) (int, unix.Errno) {
	if len(p) < unix.SizeofIfInfomsg {
		return -1, unix.EINVAL
	}
	if index := int(int32(binary.NativeEndian.Uint32(p[4:8]))); index != 0 {
		if i := k.linkAt(index); i >= 0 {
			return i, 0
		}
		return -1, unix.ENODEV
	}
	for _, at := range attributes(p[unix.SizeofIfInfomsg:]) {
		if at.typ != unix.IFLA_IFNAME && at.typ != unix.IFLA_ALT_IFNAME {
			continue
		}
		name := cstr(at.value)
		for i, l := range k.Links {
			if l.Name == name || slices.Contains(l.AltNames, name) {
				return i, 0
			}
		}
		return -1, unix.ENODEV
	}
	return -1, unix.EINVAL
}

// setLink applies an RTM_NEWLINK request's IFF_UP change.
func (k *Kernel) setLink(p []byte) unix.Errno {
	if len(p) < unix.SizeofIfInfomsg {
		return unix.EINVAL
	}
	i := k.linkAt(int(int32(binary.NativeEndian.Uint32(p[4:8]))))
	if i < 0 {
		return unix.ENODEV
	}
	flags, change := binary.NativeEndian.Uint32(p[8:12]), binary.NativeEndian.Uint32(p[12:16])
	if change&unix.IFF_UP != 0 {
		k.Links[i].AdminUp = flags&unix.IFF_UP != 0
	}
	return 0
}

// addAddr adds an address as the kernel does: EEXIST for one already
// there (with NLM_F_EXCL, which netif always sets), an IPv4 address in
// the subnet of a primary one becomes secondary, and an IPv4 address
// without a label is labelled with its interface's name.
func (k *Kernel) addAddr(p []byte) unix.Errno {
	a, ok := parseAddr(p)
	if !ok {
		return unix.EINVAL
	}
	i := k.linkAt(a.LinkIndex)
	if i < 0 {
		return unix.ENODEV
	}
	if k.addrAt(a) >= 0 {
		return unix.EEXIST
	}
	ip := a.Prefix.Addr()
	if ip.Is4() {
		if a.Label == "" {
			a.Label = k.Links[i].Name
		}
		for _, b := range k.Addrs {
			if b.LinkIndex == a.LinkIndex && b.Flags&netif.FlagSecondary == 0 &&
				b.Prefix.Bits() == a.Prefix.Bits() && b.Prefix.Masked() == a.Prefix.Masked() {
				a.Flags |= netif.FlagSecondary
				break
			}
		}
	} else {
		a.Label = ""
	}
	k.Addrs = append(k.Addrs, a)
	return 0
}

// addrAt finds the address a names: its local address and prefix length
// on its interface.
func (k *Kernel) addrAt(a netif.Addr) int {
	return slices.IndexFunc(k.Addrs, func(b netif.Addr) bool {
		return b.LinkIndex == a.LinkIndex && b.Prefix == a.Prefix
	})
}

// delAddr removes an address; EADDRNOTAVAIL when it is not there. A
// primary IPv4 address's first secondary in its subnet is promoted, as
// with net.ipv4.conf.*.promote_secondaries=1.
func (k *Kernel) delAddr(p []byte) unix.Errno {
	a, ok := parseAddr(p)
	if !ok {
		return unix.EINVAL
	}
	i := k.addrAt(a)
	if i < 0 {
		return unix.EADDRNOTAVAIL
	}
	gone := k.Addrs[i]
	k.Addrs = slices.Delete(k.Addrs, i, i+1)
	if gone.Flags&netif.FlagSecondary != 0 {
		return 0
	}
	for j, b := range k.Addrs {
		if b.LinkIndex == gone.LinkIndex && b.Flags&netif.FlagSecondary != 0 && b.Prefix.Masked() == gone.Prefix.Masked() {
			k.Addrs[j].Flags &^= netif.FlagSecondary
			break
		}
	}
	return 0
}

// addLabel adds an address label: EEXIST for a prefix that has one.
func (k *Kernel) addLabel(p []byte) unix.Errno {
	prefix, label, ok := parseLabel(p)
	if !ok {
		return unix.EINVAL
	}
	if _, there := k.Labels[prefix]; there {
		return unix.EEXIST
	}
	if k.Labels == nil {
		k.Labels = map[netip.Prefix]uint32{}
	}
	k.Labels[prefix] = label
	return 0
}

// delLabel removes an address label: ESRCH when there is none, as
// ip6addrlbl_del answers.
func (k *Kernel) delLabel(p []byte) unix.Errno {
	prefix, _, ok := parseLabel(p)
	if !ok {
		return unix.EINVAL
	}
	if _, there := k.Labels[prefix]; !there {
		return unix.ESRCH
	}
	delete(k.Labels, prefix)
	return 0
}
