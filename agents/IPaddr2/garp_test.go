package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// TestSenderInputs: the detached sender takes all it is told from its
// command line and refuses a malformed one (2) before it opens anything;
// it never sends with a count or a time it could not read.
func TestSenderInputs(t *testing.T) {
	tests := []struct {
		name   string
		inputs []string
	}{
		{"none", nil},
		{"too few", []string{"192.0.2.1", "eth0", "3", "0"}},
		{"too many", []string{"192.0.2.1", "eth0", "3", "0", "1000", "x"}},
		{"not an address", []string{"192.0.2.x", "eth0", "3", "0", "1000"}},
		{"count not a number", []string{"192.0.2.1", "eth0", "three", "0", "1000"}},
		{"first not a number", []string{"192.0.2.1", "eth0", "3", "soon", "1000"}},
		{"interval not a number", []string{"192.0.2.1", "eth0", "3", "0", "1s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"IPaddr2", garpAction}, tt.inputs...)
			code := ocf.Run(Agent(), args, env(), &out, &errb)
			if code != int(ocf.ErrArgs) || !strings.Contains(errb.String(), "ocf-exit-reason:") {
				t.Errorf("exit %d, stderr %q; want %d with an exit reason", code, errb.String(), ocf.ErrArgs)
			}
		})
	}
}
