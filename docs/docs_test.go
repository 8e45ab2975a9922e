// Package docs holds the operator documentation; its tests keep it true.
package docs

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// verb matches a fmt verb; the documentation writes a variable part as …
var verb = regexp.MustCompile(`%[-+# 0-9.]*[vsdqxw]`)

// onlyVerbs is a format string that adds no words of its own ("%v",
// "%s: %v"): the message is the error it wraps, documented by its own
// text.
var onlyVerbs = regexp.MustCompile(`^[%vsdqw: ]*$`)

// exitReasons returns every text an agent can print as its exit reason:
// the format strings of ocf.Fail calls and the texts of the errors the
// agents define and pass to them, with verbs written as …
func exitReasons(t *testing.T) []string {
	t.Helper()
	var out []string
	add := func(lit *ast.BasicLit) {
		s, err := strconv.Unquote(lit.Value)
		if err != nil || onlyVerbs.MatchString(s) {
			return
		}
		s = verb.ReplaceAllString(s, "…")
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, dir := range []string{"../agents", "../pkg/ocf", "../pkg/netif"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			// netiftest is the tests' fake kernel: no agent links it.
			if err == nil && d.IsDir() && d.Name() == "netiftest" {
				return filepath.SkipDir
			}
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				var name string
				switch fn := call.Fun.(type) {
				case *ast.SelectorExpr:
					name = fn.Sel.Name
					if x, ok := fn.X.(*ast.Ident); ok {
						name = x.Name + "." + name
					}
				case *ast.Ident:
					name = fn.Name
				}
				switch {
				case (name == "ocf.Fail" || name == "Fail") && len(call.Args) >= 2:
					if lit, ok := call.Args[1].(*ast.BasicLit); ok {
						add(lit)
					}
				// Errors defined in the agents and in netif reach exit
				// reasons through "%v".
				case name == "errors.New" && !strings.HasPrefix(path, "../pkg/ocf") && len(call.Args) == 1:
					if lit, ok := call.Args[0].(*ast.BasicLit); ok {
						add(lit)
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestTroubleshootingCoversEveryExitReason: troubleshooting.md explains
// every exit reason the agents can print.
func TestTroubleshootingCoversEveryExitReason(t *testing.T) {
	doc, err := os.ReadFile("troubleshooting.md")
	if err != nil {
		t.Fatal(err)
	}
	reasons := exitReasons(t)
	if len(reasons) < 40 {
		t.Fatalf("found only %d exit reasons: the scan is broken", len(reasons))
	}
	for _, r := range reasons {
		if !strings.Contains(string(doc), "`"+r+"`") {
			t.Errorf("troubleshooting.md does not explain `%s`", r)
		}
	}
}
