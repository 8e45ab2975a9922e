package ocf

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// Env is the environment an agent reads. Tests pass a map; Main passes the
// process environment.
type Env interface {
	Get(name string) string
	Lookup(name string) (string, bool)
	Environ() []string // "name=value" pairs, for helper processes
}

// MapEnv is an Env backed by a map, for tests and hand use.
type MapEnv map[string]string

// Get returns the value of name, or "".
func (m MapEnv) Get(name string) string { return m[name] }

// Lookup returns the value of name and whether it is set.
func (m MapEnv) Lookup(name string) (string, bool) {
	v, ok := m[name]
	return v, ok
}

// Environ returns the map as "name=value" pairs.
func (m MapEnv) Environ() []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}

type osEnv struct{}

func (osEnv) Environ() []string { return os.Environ() }

func (osEnv) Get(name string) string            { return os.Getenv(name) }
func (osEnv) Lookup(name string) (string, bool) { return os.LookupEnv(name) }

// ProcessEnv is the Env of the running process.
var ProcessEnv Env = osEnv{}

// reskey is the environment name of parameter p (OCF 1.1 §"Parameters").
func reskey(p string) string { return "OCF_RESKEY_" + p }

// Meta returns a Pacemaker meta attribute passed as OCF_RESKEY_CRM_meta_<name>;
// Pacemaker turns '-' into '_' in these names.
func Meta(env Env, name string) string {
	return env.Get(reskey("CRM_meta_" + strings.ReplaceAll(name, "-", "_")))
}

// interval returns the recurring interval of the operation. Pacemaker
// omits CRM_meta_interval for probes, start and stop, so unset means 0.
func interval(env Env) time.Duration {
	ms, err := strconv.Atoi(Meta(env, "interval"))
	if err != nil || ms < 0 {
		return 0
	}
	return time.Duration(ms) * time.Millisecond
}

// timeout returns the operation timeout (CRM_meta_timeout, milliseconds),
// or def when none is given.
func timeout(env Env, def time.Duration) time.Duration {
	ms, err := strconv.Atoi(Meta(env, "timeout"))
	if err != nil || ms <= 0 {
		return def
	}
	return time.Duration(ms) * time.Millisecond
}
