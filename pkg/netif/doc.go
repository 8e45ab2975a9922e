// Package netif reads and changes a host's interfaces, addresses and routes
// over rtnetlink (RFC 3549), and chooses the interface and prefix for a
// virtual IP from the routing table the way the kernel would route to it.
//
// The selection and matching rules are pure functions over Route and Addr
// values, portable and tested without privileges. Host is the rtnetlink
// side (Linux only): it speaks through a Transport, a socket from Open or
// the fake kernel of package netiftest from NewHost, so that code using a
// Host is tested without privileges too. No ip(8) command is ever run.
package netif
