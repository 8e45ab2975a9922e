package ocf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/syslog"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// ExitReasonMax is the longest exit reason Pacemaker keeps (it truncates
// the last "ocf-exit-reason:" line of stderr to 128 characters).
const ExitReasonMax = 128

// defaultTimeout bounds an action when the caller gives no
// CRM_meta_timeout; resource-agents advertises 20 s for IPaddr2.
const defaultTimeout = 20 * time.Second

// Main runs the agent with the process's argv, environment and stdio and
// exits with the action's code. It is the only place that exits.
func Main(a *Agent) {
	os.Exit(Run(a, os.Args, ProcessEnv, os.Stdout, os.Stderr))
}

// Option replaces what Run takes from the process itself, for tests.
type Option func(*system)

// system is what Run takes from the process besides argv, environment and
// stdio.
type system struct {
	geteuid func() int
}

// WithEuid makes Run see euid as the process's effective user id: a unit
// test running as root checks an action's answer to anyone else.
func WithEuid(euid int) Option {
	return func(s *system) { s.geteuid = func() int { return euid } }
}

// Run runs one invocation: args[0] is the program, the action is the first
// non-flag argument. It returns the exit code.
func Run(a *Agent, args []string, env Env, stdout, stderr io.Writer, opts ...Option) int {
	sys := system{geteuid: os.Geteuid}
	for _, o := range opts {
		o(&sys)
	}
	vals := newValues(a.Params)
	for _, p := range a.Params {
		if v, ok := env.Lookup(reskey(p.Name)); ok {
			vals.Set(p.Name, v)
		}
	}
	cl, err := a.parseFlags(args[1:], vals, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n%s\n", a.Name, err, a.usageLine())
		return int(ErrArgs)
	}
	switch {
	case cl.help:
		return int(Success)
	case cl.version:
		fmt.Fprintf(stdout, "%s %s\n", a.Name, a.version())
		return int(Success)
	case cl.man:
		if err := a.ManPage(stdout, Provider); err != nil {
			return int(ErrGeneric)
		}
		return int(Success)
	}
	switch cl.action {
	case ActionMetaData:
		return a.writeMetaData(stdout, stderr)
	case "usage", "help":
		fmt.Fprintln(stdout, a.usageLine())
		return int(Success)
	}
	act, ok := a.action(cl.action)
	if !ok || act.Run == nil {
		fmt.Fprintln(stderr, a.usageLine())
		return int(ErrUnimplemented)
	}
	return a.runAction(act, vals, env, sys, filepath.Base(args[0]), stdout, stderr)
}

func (a *Agent) writeMetaData(stdout, stderr io.Writer) int {
	xml, err := a.MetaData()
	if err != nil {
		fmt.Fprintf(stderr, "ocf-exit-reason:rendering meta-data: %v\n", err)
		return int(ErrGeneric)
	}
	if _, err := stdout.Write(xml); err != nil {
		return int(ErrGeneric)
	}
	return int(Success)
}

func (a *Agent) runAction(act Action, vals *Values, env Env, sys system, prog string, stdout, stderr io.Writer) int {
	log := newLogger(env, prog, stderr)
	defer log.close()
	// Finish before the executor's SIGKILL: keep a tenth of the timeout.
	budget := timeout(env, defaultTimeout)
	ctx, cancel := context.WithTimeout(context.Background(), budget-budget/10)
	defer cancel()
	c := &Context{
		Context: ctx, Agent: a, Action: act.Name, Params: vals, Env: env,
		Stdout: stdout, Stderr: stderr, Log: log, Interval: interval(env),
	}
	log.Debugf("%s %s: %s", a.Name, act.Name, vals)
	var done bool
	var err error
	if a.Prepare != nil {
		done, err = a.Prepare(c)
	}
	if err == nil && !done {
		err = a.perform(c, act, sys)
	}
	code := CodeOf(err)
	if code != Success && code != NotRunning {
		reportFailure(c, err)
	}
	return int(code)
}

// reportFailure prints the one exit-reason line and logs the full error.
func reportFailure(c *Context, err error) {
	reason := exitReason(err)
	prefix := c.Env.Get("OCF_EXIT_REASON_PREFIX")
	if prefix == "" {
		prefix = "ocf-exit-reason:"
	}
	fmt.Fprintf(c.Stderr, "%s%s\n", prefix, reason)
	// The full error (with its cause) goes to the logs, not stderr again.
	c.Log.write(syslog.LOG_ERR, "ERROR: "+err.Error(), false)
}

// exitReason is the operator-facing text: the cause of the *Error that
// gives the code (what the action said when it chose the code), or the
// error text for plain errors, on one line and within ExitReasonMax.
func exitReason(err error) string {
	reason := err.Error()
	var oe *Error
	if errors.As(err, &oe) && oe.Err != nil {
		reason = oe.Err.Error()
	}
	reason = oneLine(strings.Join(strings.Fields(reason), " "))
	return truncate(reason, ExitReasonMax)
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
