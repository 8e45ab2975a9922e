package ocf

import (
	"errors"
	"fmt"
)

// Needs is what an action needs from the runtime: Run checks or opens it
// between the action's two steps (see Steps), so that no action body
// repeats the privilege check or opens the host itself.
type Needs uint8

const (
	// NeedRoot: the action changes the node, so it runs as root; Run
	// answers ErrPerm otherwise ("<action> needs root privileges").
	NeedRoot Needs = 1 << iota
	// NeedHost: the action works on Context.Host, which Run opens with
	// Agent.OpenHost and closes after the action.
	NeedHost
)

// Host is the handle on the node that Agent.OpenHost opens (for the
// agents, a *netif.Host). Each agent reaches it through its own narrow
// interface; the runtime only closes it.
type Host interface{ Close() }

// Steps is an action's work, in two steps. The first reads and checks the
// parameters before Run provides what the action Needs, so that bad
// parameters get their own answer whoever runs the agent: 6 from a start,
// 0 from a stop that has nothing to undo. It returns the second step,
// which Run calls once the needs are met, or nil when the action is done.
// Do and Checked build the usual shapes.
type Steps func(*Context) (then func(*Context) error, err error)

// Do is an action with nothing to check before its needs are met.
func Do(body func(*Context) error) Steps {
	return func(*Context) (func(*Context) error, error) { return body, nil }
}

// Checked is an action whose first step, check, reads the parameters into
// what body, the second, works on.
func Checked[T any](check func(*Context) (T, error), body func(*Context, T) error) Steps {
	return func(c *Context) (func(*Context) error, error) {
		v, err := check(c)
		if err != nil {
			return nil, err
		}
		return bind(v, body), nil
	}
}

// Stopping is a stop's steps. A stop succeeds when there is nothing to
// stop, even with bad parameters (OCF): when check cannot read them,
// nothing of the resource can exist on this node and the stop is done,
// before any privilege check.
func Stopping[T any](check func(*Context) (T, error), body func(*Context, T) error) Steps {
	return func(c *Context) (func(*Context) error, error) {
		v, err := check(c)
		if err != nil {
			c.Log.Infof("%s: %v: nothing can be running", c.Action, err)
			return nil, nil
		}
		return bind(v, body), nil
	}
}

// Monitoring is a monitor's steps. A plain error from check, a value this
// node cannot use, is answered by NotRunningIfProbe; an *Error keeps its
// code (a required parameter missing is wrong everywhere: 6).
func Monitoring[T any](check func(*Context) (T, error), body func(*Context, T) error) Steps {
	return func(c *Context) (func(*Context) error, error) {
		v, err := check(c)
		var oe *Error
		if err != nil && !errors.As(err, &oe) {
			err = c.NotRunningIfProbe(err)
		}
		if err != nil {
			return nil, err
		}
		return bind(v, body), nil
	}
}

// Validating is validate-all's steps: check reads the parameters; body
// inspects this node, unless OCF_CHECK_LEVEL is 0 (OCF 1.1: parameters
// only).
func Validating[T any](check func(*Context) (T, error), body func(*Context, T) error) Steps {
	return func(c *Context) (func(*Context) error, error) {
		v, err := check(c)
		if err != nil || c.CheckLevel() == 0 {
			return nil, err
		}
		return bind(v, body), nil
	}
}

// Opener adapts a constructor such as netif.Open to Agent.OpenHost.
func Opener[H Host](open func() (H, error)) func() (Host, error) {
	return func() (Host, error) {
		h, err := open()
		if err != nil {
			return nil, err // not a nil *H in a non-nil Host
		}
		return h, nil
	}
}

// bind is a second step that hands body v, what the first step read.
func bind[T any](v T, body func(*Context, T) error) func(*Context) error {
	return func(c *Context) error { return body(c, v) }
}

// OnHost adapts an action body that works on the host, seen through the
// agent's own interface H, to Checked's body: the host is the one Run
// opened for the action (NeedHost).
func OnHost[H, T any](body func(*Context, H, T) error) func(*Context, T) error {
	return func(c *Context, v T) error {
		h, ok := c.Host.(H)
		if !ok {
			return fmt.Errorf("%s works on the host but does not declare NeedHost", c.Action)
		}
		return body(c, h, v)
	}
}

// DoOnHost is an action with nothing to check that works on the host
// (NeedHost), such as a detached helper that reads its own inputs.
func DoOnHost[H any](body func(*Context, H) error) Steps {
	return Do(func(c *Context) error {
		return OnHost(func(c *Context, h H, _ struct{}) error { return body(c, h) })(c, struct{}{})
	})
}

// perform runs act's two steps with its needs met in between.
func (a *Agent) perform(c *Context, act Action, sys system) error {
	then, err := act.Run(c)
	if err != nil || then == nil {
		return err
	}
	if act.Needs&NeedRoot != 0 && sys.geteuid() != 0 {
		return Fail(ErrPerm, "%s needs root privileges", act.Name)
	}
	if act.Needs&NeedHost != 0 {
		if a.OpenHost == nil {
			return fmt.Errorf("%s needs a host and agent %s opens none", act.Name, a.Name)
		}
		h, err := a.OpenHost()
		if err != nil {
			return err
		}
		defer h.Close()
		c.Host = h
	}
	return then(c)
}
