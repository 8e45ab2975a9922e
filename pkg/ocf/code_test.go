package ocf

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestError(t *testing.T) {
	cause := errors.New("file exists")
	other := errors.New("no such device")
	coded := Fail(ErrInstalled, "interface %s does not exist on this node", "eth9")
	tests := []struct {
		name string
		err  error
		text string  // Error(): the exit reason and the logged text
		code Code    // CodeOf
		is   []error // errors.Is must find each
	}{
		{"formatted", Fail(ErrConfigured, "invalid %s", "ip"), "invalid ip", ErrConfigured, nil},
		{"wrapped cause said once", Fail(ErrGeneric, "adding: %w", cause), "adding: file exists", ErrGeneric, []error{cause}},
		{"two causes both reachable", Fail(ErrInstalled, "%w: %w", cause, other), "file exists: no such device", ErrInstalled, []error{cause, other}},
		{"reasonless answer", NotRunning.Err(), "OCF_NOT_RUNNING", NotRunning, nil},
		{"plain error is generic", cause, "file exists", ErrGeneric, []error{cause}},
		{"wrapped coded error keeps its code", fmt.Errorf("validating: %w", coded), "validating: interface eth9 does not exist on this node", ErrInstalled, []error{coded}},
		{"nil is success", nil, "", Success, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeOf(tt.err); got != tt.code {
				t.Errorf("CodeOf = %v, want %v", got, tt.code)
			}
			if tt.err != nil && tt.err.Error() != tt.text {
				t.Errorf("Error() = %q, want %q", tt.err.Error(), tt.text)
			}
			for _, target := range tt.is {
				if !errors.Is(tt.err, target) {
					t.Errorf("errors.Is(%v, %v) = false", tt.err, target)
				}
			}
		})
	}
}

// TestFailureSaidOnce: a failure's cause appears once in the exit reason
// and once in the log, not repeated by the wrapping.
func TestFailureSaidOnce(t *testing.T) {
	logfile := filepath.Join(t.TempDir(), "ha.log")
	a := &Agent{Name: "Test", Actions: []Action{{Name: "act", Run: Do(func(*Context) error {
		return Fail(ErrInstalled, "adding 10.0.0.1: %w", errors.New("file exists"))
	})}}}
	var out, errb bytes.Buffer
	code := Run(a, []string{"Test", "act"}, MapEnv{"HA_LOGFILE": logfile, "HA_LOGFACILITY": "none"}, &out, &errb)
	log, err := os.ReadFile(logfile)
	if err != nil {
		t.Fatal(err)
	}
	if Code(code) != ErrInstalled || errb.String() != "ocf-exit-reason:adding 10.0.0.1: file exists\n" {
		t.Errorf("code %v stderr %q", Code(code), errb.String())
	}
	if n := strings.Count(string(log), "file exists"); n != 1 || !strings.Contains(string(log), "ERROR: adding 10.0.0.1: file exists\n") {
		t.Errorf("log says the cause %d times:\n%s", n, log)
	}
}
