//go:build linux

package netif

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"testing"
)

// TestConstantsOther: the values consts_other.go writes out for other
// systems are x/sys/unix's, which consts_linux.go uses, and it defines
// every one of them.
func TestConstantsOther(t *testing.T) {
	linux := map[string]int64{
		"FlagSecondary": FlagSecondary, "FlagNoPrefixRoute": FlagNoPrefixRoute,
		"FlagNoDAD": FlagNoDAD, "FlagDADFailed": FlagDADFailed, "FlagTentative": FlagTentative,
		"TableMain": TableMain, "TableLocal": TableLocal, "TypeUnicast": TypeUnicast, "TypeLocal": TypeLocal,
		"ScopeLink": ScopeLink, "ScopeHost": ScopeHost, "nexthopDown": nexthopDown,
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "consts_other.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := new(types.Config).Check("netif", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, name := range pkg.Scope().Names() {
		c, ok := pkg.Scope().Lookup(name).(*types.Const)
		if !ok {
			continue
		}
		seen++
		want, known := linux[name]
		got, exact := constant.Int64Val(c.Val())
		switch {
		case !known:
			t.Errorf("consts_other.go defines %s, which consts_linux.go does not", name)
		case !exact || got != want:
			t.Errorf("consts_other.go: %s = %v, x/sys/unix says %d", name, c.Val(), want)
		}
	}
	if seen != len(linux) {
		t.Errorf("consts_other.go defines %d constants, consts_linux.go %d", seen, len(linux))
	}
}
