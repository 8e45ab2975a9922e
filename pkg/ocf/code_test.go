package ocf

import (
	"errors"
	"fmt"
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
