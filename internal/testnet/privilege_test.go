package testnet

import (
	"strings"
	"testing"
)

// TestDecide: what a privileged test does, for each user and environment.
// CI=true and OCFNET_REQUIRE_ROOT=1 never let one skip.
func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		name string
		euid int
		env  map[string]string
		want privilege
		says string
	}{
		{"root runs", 0, nil, privRun, ""},
		{"root in CI runs", 0, map[string]string{"CI": "true"}, privRun, ""},
		{"user skips", 1000, nil, privSkip, "needs root"},
		{"user with CI other than true skips", 1000, map[string]string{"CI": "1"}, privSkip, "needs root"},
		{"user in CI fails", 1000, map[string]string{"CI": "true"}, privFail, "forbids skipping"},
		{"user under make test fails", 1000, map[string]string{"OCFNET_REQUIRE_ROOT": "1"}, privFail, "sudo make test"},
		{"unprivileged run skips as root", 0, map[string]string{"OCFNET_UNPRIVILEGED": "1"}, privSkip, "make unit"},
		{"unprivileged run skips as user", 1000, map[string]string{"OCFNET_UNPRIVILEGED": "1"}, privSkip, "make unit"},
		{"unprivileged run in CI skips", 1000, map[string]string{"OCFNET_UNPRIVILEGED": "1", "CI": "true"}, privSkip, "make unit"},
		{"unprivileged run under make test fails", 1000, map[string]string{"OCFNET_UNPRIVILEGED": "1", "OCFNET_REQUIRE_ROOT": "1"}, privFail, "forbids"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, msg := decide(tc.euid, func(k string) string { return tc.env[k] })
			if got != tc.want {
				t.Errorf("decide = %d (%q), want %d", got, msg, tc.want)
			}
			if !strings.Contains(msg, tc.says) {
				t.Errorf("message %q does not say %q", msg, tc.says)
			}
		})
	}
}
