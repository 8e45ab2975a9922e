// Package netiftest is a fake kernel for package netif: it keeps links,
// addresses, routes, nexthop objects and IPv6 address labels in memory
// and answers the rtnetlink requests netif sends (dumps, gets, adds,
// deletes, and their errors such as EEXIST and ENODEV), in the style of
// mdlayher/netlink's nltest. Kernel.Host gives a real *netif.Host over a
// netif.Transport to it, so code that chooses and changes interfaces and
// addresses is tested without privileges and without a network namespace.
//
// It speaks Linux's rtnetlink wire format with an encoder of its own, not
// netif's, so a codec fault in netif is not mirrored here. It is no
// kernel model beyond what netif asks: it derives no routes from
// addresses and runs no duplicate address detection.
package netiftest
