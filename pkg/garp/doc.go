// Package garp sends gratuitous ARP announcements and probes for IPv4
// address conflicts on Ethernet links, and their IPv6 counterpart,
// unsolicited Neighbor Advertisements (RFC 4861 §7.2.6, see na.go).
//
// An announcement tells the neighbours on a link that an address now
// lives at this host's hardware address (RFC 5227 §3, RFC 5944 §4.6), so
// that clients follow a moved virtual IP at once instead of after their
// ARP cache entries expire. A probe (RFC 5227 §2.1) asks whether anyone
// already uses an address, without claiming it.
//
// Packets are built with github.com/mdlayher/arp and sent on a raw packet
// socket that, unlike arp.Dial, needs no IPv4 address on the link: a probe
// runs before the address is added.
package garp
