package ocf

import (
	"context"
	"io"
	"time"
)

// Provider is the OCF provider the agents are installed under
// (/usr/lib/ocf/resource.d/ocfnet, ocf:ocfnet:<agent>).
const Provider = "ocfnet"

// Version is the suite's version, printed by --version and in meta-data.
// The Makefile may override it with -ldflags -X.
var Version = "0.1.0"

// Agent declares a resource agent: its meta-data and its actions.
type Agent struct {
	Name    string // resource type, e.g. "IPaddr2"
	Short   string
	Long    string
	Params  []Param
	Actions []Action
	// Prepare, if set, runs before every action except meta-data, usage
	// and help, e.g. to rewrite parameters or enter a network namespace.
	Prepare func(*Context) error
	// Examples are shown in the manual page.
	Examples []Example
}

// Action is one action: advertised in meta-data unless Hidden, run by Run.
type Action struct {
	Name     string
	Timeout  time.Duration
	Interval time.Duration // advertised default interval (monitor)
	Depth    string        // OCF_CHECK_LEVEL advertised, "" for none
	Hidden   bool          // internal: not in meta-data or usage
	Run      func(*Context) error
}

func (a *Agent) version() string { return Version }

func (a *Agent) action(name string) (Action, bool) {
	for _, act := range a.Actions {
		if act.Name == name {
			return act, true
		}
	}
	return Action{}, false
}

// Context is what an action gets: its parameters, environment, output and
// logger, and a deadline derived from CRM_meta_timeout.
type Context struct {
	context.Context
	Agent    *Agent
	Action   string
	Inputs   []string // the command line's words after the action (see Helper)
	Params   *Values
	Env      Env
	Stdout   io.Writer
	Stderr   io.Writer
	Log      *Logger
	Interval time.Duration // CRM_meta_interval; 0 for probes, start and stop
}

// Probe reports whether this is a probe: a monitor with no recurring
// interval (Pacemaker omits CRM_meta_interval for probes). A probe must
// answer NotRunning, never ErrConfigured, for anything missing on this node.
func (c *Context) Probe() bool { return c.Action == "monitor" && c.Interval == 0 }

// Args returns the argv an agent re-executes itself with for a detached
// helper process: the agent's name and the hidden action.
func (c *Context) Args(action string) []string { return []string{c.Agent.Name, action} }
