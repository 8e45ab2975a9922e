//go:build !linux

package netif

// The values of consts_linux.go, written out because x/sys/unix has them
// only for Linux: they describe Linux's rtnetlink objects, so that the
// selection code (Select, Holding, ...) compiles and is tested on other
// systems too. TestConstantsOther checks them against x/sys/unix on Linux.
const (
	FlagSecondary     = 0x1
	FlagNoPrefixRoute = 0x200
	FlagNoDAD         = 0x2
	FlagDADFailed     = 0x8
	FlagTentative     = 0x40

	TableMain   = 254
	TableLocal  = 255
	TypeUnicast = 1
	TypeLocal   = 2
	ScopeLink   = 253
	ScopeHost   = 254

	nexthopDown = 0x1 | 0x10 // RTNH_F_DEAD | RTNH_F_LINKDOWN
)
