// Package netif reads and changes a host's interfaces, addresses and routes
// over rtnetlink (RFC 3549), and chooses the interface and prefix for a
// virtual IP from the routing table the way the kernel would route to it.
//
// The selection and matching rules are pure functions over Route and Addr
// values so they are tested without privileges; Host is the thin netlink
// side. No ip(8) command is ever run.
package netif
