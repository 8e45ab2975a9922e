package testnet

import (
	"os"
	"testing"
)

// The variables that decide what a privileged test does without root, or
// in an unprivileged run. CI (set to true by CI systems and by the
// project's CI run) and OCFNET_REQUIRE_ROOT=1 (make test) turn a skip into
// a failure: there, a privileged test that does not run is a broken run,
// not a pass. OCFNET_UNPRIVILEGED=1 (make unit) skips them, also as root
// and under CI=true, but not with OCFNET_REQUIRE_ROOT=1.
const (
	envCI           = "CI"
	envRequireRoot  = "OCFNET_REQUIRE_ROOT"
	envUnprivileged = "OCFNET_UNPRIVILEGED"
)

// privilege is what a privileged test does: run, skip or fail, and why.
type privilege int

const (
	privRun privilege = iota
	privSkip
	privFail
)

// decide returns what a privileged test does for effective user euid and
// the environment read through getenv, with the message for a skip or a
// failure.
func decide(euid int, getenv func(string) string) (privilege, string) {
	unprivileged := getenv(envUnprivileged) == "1"
	switch {
	case unprivileged && getenv(envRequireRoot) == "1":
		return privFail, envUnprivileged + "=1 asks to skip the privileged tests, but " +
			envRequireRoot + "=1 forbids skipping them"
	case unprivileged:
		// Asked for by name (make unit), so it holds under CI=true too:
		// CI runs the privileged tests through make test, which clears it.
		return privSkip, "privileged test skipped: " + envUnprivileged + "=1 (make unit runs only the unprivileged tests)"
	case euid == 0:
		return privRun, ""
	case getenv(envCI) == "true" || getenv(envRequireRoot) == "1":
		return privFail, "this test needs root to build network namespaces, and CI=true or " +
			envRequireRoot + "=1 forbids skipping it: run as root (sudo make test)"
	default:
		return privSkip, "needs root to build network namespaces: skipped (sudo make test runs it; " +
			"CI=true or " + envRequireRoot + "=1 makes this skip a failure)"
	}
}

// Privileged reports whether this process runs the privileged tests: as
// root, and not in an unprivileged run. agenttest builds the agents only
// then.
func Privileged() bool {
	p, _ := decide(os.Geteuid(), os.Getenv)
	return p == privRun
}

// RequireRoot lets a privileged test run only as root, and says why it
// does not: it skips with the reason when not root (or under
// OCFNET_UNPRIVILEGED=1), unless CI=true or OCFNET_REQUIRE_ROOT=1, where
// it fails instead, since CI and make test must never skip the privileged
// tests.
func RequireRoot(t testing.TB) {
	t.Helper()
	switch p, msg := decide(os.Geteuid(), os.Getenv); p {
	case privSkip:
		t.Skip(msg)
	case privFail:
		t.Fatal(msg)
	}
}
