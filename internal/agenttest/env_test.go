package agenttest

import (
	"slices"
	"testing"
)

// TestEnviron: parameters get OCF_RESKEY_, OCF_ and HA_ names pass as they
// are, and the node's HA_RSCTMP comes first so that a given one wins.
func TestEnviron(t *testing.T) {
	for _, tc := range []struct {
		name string
		kv   []string
		want []string
	}{
		{"none", nil, []string{"HA_RSCTMP=/n"}},
		{"parameter", []string{"ip=192.168.1.1"}, []string{"HA_RSCTMP=/n", "OCF_RESKEY_ip=192.168.1.1"}},
		{"value with =", []string{"auth_key=a=b"}, []string{"HA_RSCTMP=/n", "OCF_RESKEY_auth_key=a=b"}},
		{"OCF_ and HA_ as they are", []string{"OCF_CHECK_LEVEL=10", "HA_debug=1"},
			[]string{"HA_RSCTMP=/n", "OCF_CHECK_LEVEL=10", "HA_debug=1"}},
		{"HA_RSCTMP given last", []string{"HA_RSCTMP=/other"}, []string{"HA_RSCTMP=/n", "HA_RSCTMP=/other"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Environ("/n", tc.kv...); !slices.Equal(got, tc.want) {
				t.Errorf("Environ = %q, want %q", got, tc.want)
			}
		})
	}
	if e := Env("ip=192.168.1.1", "OCF_CHECK_LEVEL=10"); e["OCF_RESKEY_ip"] != "192.168.1.1" || e["OCF_CHECK_LEVEL"] != "10" {
		t.Errorf("Env = %v", e)
	}
}
