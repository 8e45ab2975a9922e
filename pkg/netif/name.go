package netif

import (
	"fmt"
	"strings"
)

// Longest interface name (IFNAMSIZ 16) and alternative name (ALTIFNAMSIZ
// 128) Linux accepts, without the terminating NUL.
const (
	NameMax    = 15
	AltNameMax = 127
)

// shellUnsafe are characters no interface name needs and that make a
// value dangerous wherever resource-agents passes it to a shell: a
// definition containing them is broken or hostile on every node.
const shellUnsafe = " \t\n\r;|&$`'\"<>(){}[]*?!~\\#="

// CheckName applies the kernel's rules for interface names and
// alternative names (dev_valid_name): no '/', ':' or whitespace, not "."
// or "..", 1 to 127 bytes; shell metacharacters are refused too.
func CheckName(s string) error {
	switch {
	case s == "" || len(s) > AltNameMax:
		return fmt.Errorf("%q is not an interface name (1 to %d characters)", s, AltNameMax)
	case s == "." || s == ".." || strings.ContainsAny(s, "/:"+shellUnsafe):
		return fmt.Errorf("%q is not a valid interface name", s)
	}
	return nil
}
