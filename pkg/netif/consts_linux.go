package netif

import "golang.org/x/sys/unix"

// IFA_F_* address flags (linux/if_addr.h).
const (
	FlagSecondary     = unix.IFA_F_SECONDARY
	FlagNoPrefixRoute = unix.IFA_F_NOPREFIXROUTE
	// Duplicate address detection of an IPv6 address (RFC 4862 §5.4).
	FlagNoDAD     = unix.IFA_F_NODAD
	FlagDADFailed = unix.IFA_F_DADFAILED
	FlagTentative = unix.IFA_F_TENTATIVE
)

// Routing table, type and scope values (linux/rtnetlink.h).
const (
	TableMain   = unix.RT_TABLE_MAIN
	TableLocal  = unix.RT_TABLE_LOCAL
	TypeUnicast = unix.RTN_UNICAST
	TypeLocal   = unix.RTN_LOCAL
	ScopeLink   = unix.RT_SCOPE_LINK
	ScopeHost   = unix.RT_SCOPE_HOST
)

// nexthopDown are the RTNH_F_* flags of a nexthop the kernel does not
// send through: its interface down, or without carrier.
const nexthopDown = unix.RTNH_F_DEAD | unix.RTNH_F_LINKDOWN
