package ocf

import (
	"errors"
	"fmt"
)

// Code is an OCF exit code (OCF 1.1 §"Return codes").
type Code int

// Exit codes. The names follow resource-agents' ocf-returncodes so that an
// operator reading a log recognises them.
const (
	Success          Code = 0
	ErrGeneric       Code = 1
	ErrArgs          Code = 2
	ErrUnimplemented Code = 3
	ErrPerm          Code = 4
	ErrInstalled     Code = 5
	ErrConfigured    Code = 6
	NotRunning       Code = 7
	RunningPromoted  Code = 8
	FailedPromoted   Code = 9
	Degraded         Code = 190
	DegradedPromoted Code = 191
)

var codeNames = map[Code]string{
	Success:          "OCF_SUCCESS",
	ErrGeneric:       "OCF_ERR_GENERIC",
	ErrArgs:          "OCF_ERR_ARGS",
	ErrUnimplemented: "OCF_ERR_UNIMPLEMENTED",
	ErrPerm:          "OCF_ERR_PERM",
	ErrInstalled:     "OCF_ERR_INSTALLED",
	ErrConfigured:    "OCF_ERR_CONFIGURED",
	NotRunning:       "OCF_NOT_RUNNING",
	RunningPromoted:  "OCF_RUNNING_PROMOTED",
	FailedPromoted:   "OCF_FAILED_PROMOTED",
	Degraded:         "OCF_DEGRADED",
	DegradedPromoted: "OCF_DEGRADED_PROMOTED",
}

func (c Code) String() string {
	if n, ok := codeNames[c]; ok {
		return n
	}
	return fmt.Sprintf("OCF code %d", int(c))
}

// Error carries the exit code an action ends with and its cause, whose
// text is the exit reason shown to the operator by crm_mon. Actions return
// it (through Fail) only where the code is not generic: a plain error
// already ends the action with ErrGeneric and its text as the reason. Run
// derives the code and the one ocf-exit-reason line from it.
type Error struct {
	Code Code
	Err  error // the cause; nil for an answer with no reason, such as NotRunning
}

// Error is the cause's text, or the code's name for a reasonless answer.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Code.String()
	}
	return e.Err.Error()
}

// Unwrap returns the cause, so that errors.Is and errors.As see through
// the code.
func (e *Error) Unwrap() error { return e.Err }

// Fail returns an *Error with code and the cause fmt.Errorf builds from
// format and args: every %w verb wraps, so errors.Is and errors.As reach
// each wrapped error through it, and the text is said once.
func Fail(code Code, format string, args ...any) error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// Err returns a reasonless error that ends the action with code c, for
// outcomes that are answers rather than failures, such as NotRunning.
func (c Code) Err() error { return &Error{Code: c} }

// CodeOf maps an action's error to its exit code: nil is Success, an *Error
// anywhere in the chain gives its code, anything else is ErrGeneric.
func CodeOf(err error) Code {
	if err == nil {
		return Success
	}
	var oe *Error
	if errors.As(err, &oe) {
		return oe.Code
	}
	return ErrGeneric
}
