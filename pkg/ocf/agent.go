package ocf

import (
	"context"
	"io"
	"strconv"
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
	// done ends the action successfully without running it: a stop finds
	// that nothing of the resource can exist on this node.
	Prepare func(*Context) (done bool, err error)
	// OpenHost opens the handle on the node that actions declaring
	// NeedHost find in Context.Host. Run opens it after Prepare (so in the
	// namespace Prepare entered) and closes it when the action returns.
	OpenHost func() (Host, error)
	// Examples are shown in the manual page.
	Examples []Example
}

// The actions of the OCF contract (OCF 1.1 §"Actions") that agents and
// this package tell apart by name.
const (
	ActionStart       = "start"
	ActionStop        = "stop"
	ActionMonitor     = "monitor"
	ActionStatus      = "status" // legacy alias of monitor, never a probe
	ActionValidateAll = "validate-all"
	ActionMetaData    = "meta-data"
)

// Action is one action: advertised in meta-data unless Hidden, run by Run.
type Action struct {
	Name     string
	Timeout  time.Duration
	Interval time.Duration // advertised default interval (monitor)
	Depth    string        // OCF_CHECK_LEVEL advertised, "" for none
	Hidden   bool          // internal: not in meta-data or usage
	Needs    Needs         // what Run provides between Run's two steps
	Run      Steps         // nil: not runnable (meta-data, which Run answers)
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
// logger, a deadline derived from CRM_meta_timeout, and the host when it
// declares NeedHost.
type Context struct {
	context.Context
	Agent    *Agent
	Action   string
	Params   *Values
	Env      Env
	Stdout   io.Writer
	Stderr   io.Writer
	Log      *Logger
	Interval time.Duration // CRM_meta_interval; 0 for probes, start and stop
	Host     Host          // Agent.OpenHost's handle for actions that declare NeedHost
}

// Probe reports whether this is a probe: a monitor with no recurring
// interval (Pacemaker omits CRM_meta_interval for probes). A probe must
// answer NotRunning, never ErrConfigured, for anything missing on this node.
func (c *Context) Probe() bool { return c.Action == ActionMonitor && c.Interval == 0 }

// NoCheckLevel is CheckLevel's answer when OCF_CHECK_LEVEL is unset or not
// a number.
const NoCheckLevel = -1

// CheckLevel returns OCF_CHECK_LEVEL, the depth of the check asked for (0,
// 10 or 20 by convention; for validate-all, 0 means without inspecting
// the node), or NoCheckLevel.
func (c *Context) CheckLevel() int {
	n, err := strconv.Atoi(c.Env.Get("OCF_CHECK_LEVEL"))
	if err != nil || n < 0 {
		return NoCheckLevel
	}
	return n
}

// NotRunningIfProbe answers err, the reason the resource's place on this
// node cannot be determined: a probe says NotRunning (and logs why), as it
// must never fail for something missing on this node; any other action
// returns err, which a plain error makes a generic failure (1).
func (c *Context) NotRunningIfProbe(err error) error {
	if c.Probe() {
		c.Log.Infof("%v: not running", err)
		return NotRunning.Err()
	}
	return err
}

// Args returns the argv an agent re-executes itself with for a detached
// helper process: the agent's name and the hidden action.
func (c *Context) Args(action string) []string { return []string{c.Agent.Name, action} }
