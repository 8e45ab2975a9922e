// Package rip encodes and decodes Routing Information Protocol messages:
// version 1 (RFC 1058) and version 2 (RFC 2453), with RIPv2's simple
// password authentication (RFC 2453 §4.1), keyed MD5 (RFC 2082) and
// HMAC-SHA cryptographic authentication (RFC 4822), and RIPng for IPv6
// (RFC 2080, ng.go).
//
// It is written for a sender that announces host routes for virtual IPs:
// it never encodes a RIPv2 entry with a zero mask (BIRD installs such an
// entry as a default route) and it batches routes into datagrams that
// stay within the 512 octets receivers accept.
package rip
