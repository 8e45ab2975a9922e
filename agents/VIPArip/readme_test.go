package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEParameters keeps the README's VIPArip table true.
func TestREADMEParameters(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(b), "## VIPArip parameters")
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9_]+)` \\|([^|]*)\\|")
	rows := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		rows[m[1]] = strings.TrimSpace(m[2])
	}
	for _, p := range params {
		def, ok := rows[p.Name]
		if !ok {
			t.Errorf("README lacks a row for %s", p.Name)
			continue
		}
		if p.Default != "" && def != p.Default {
			t.Errorf("README gives %s the default %q, the agent %q", p.Name, def, p.Default)
		}
		delete(rows, p.Name)
	}
	for name := range rows {
		t.Errorf("README documents %s, which the agent does not declare", name)
	}
}
