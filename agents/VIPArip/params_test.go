package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestRangesDocumented keeps the meta-data's words and the declared
// ranges together: every two-sided range is stated as "min to max" in
// its parameter's longdesc, which meta-data and the man page print.
func TestRangesDocumented(t *testing.T) {
	// rip_version lists its two values instead: "2 (default) or 1".
	stated := map[string]string{pRIPVersion: "2 (default) or 1"}
	n := 0
	for _, p := range params {
		if p.Range == nil || p.Range.What == "" {
			continue
		}
		n++
		want, ok := stated[p.Name]
		if !ok {
			want = fmt.Sprintf("%d to %d", p.Range.Min, p.Range.Max)
		}
		if !strings.Contains(p.Long, want) {
			t.Errorf("%s: longdesc does not state its range %q: %s", p.Name, want, p.Long)
		}
	}
	if n != 8 {
		t.Errorf("%d ranged parameters, want the 8 integers of VIPArip", n)
	}
}
