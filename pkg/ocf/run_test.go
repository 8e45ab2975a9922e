package ocf

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// testAgent records what its actions saw.
func testAgent(seen *Context) *Agent {
	record := func(ret error) Steps {
		return Do(func(c *Context) error {
			*seen = *c
			return ret
		})
	}
	return &Agent{
		Name:  "Test",
		Short: "test agent",
		Long:  "A test agent.",
		Params: []Param{
			{Name: "ip", Kind: IPAddr, Required: true, Unique: true, Short: "address"},
			{Name: "count", Kind: Integer, Default: "5", Short: "count"},
			{Name: "flag", Kind: Boolean, Default: "false", Short: "flag"},
			{Name: "key", Kind: String, Secret: true, Short: "key"},
		},
		Actions: []Action{
			{Name: "start", Timeout: 20 * time.Second, Run: record(nil)},
			{Name: "stop", Timeout: 20 * time.Second, Run: record(Fail(ErrGeneric, "line one\nline two"))},
			{Name: "monitor", Timeout: 20 * time.Second, Interval: 10 * time.Second, Depth: "0", Run: record(NotRunning.Err())},
			{Name: "validate-all", Timeout: 20 * time.Second, Run: record(Fail(ErrConfigured, "%s", strings.Repeat("x", 300)))},
			{Name: "meta-data", Timeout: 5 * time.Second},
			{Name: "_hidden", Hidden: true, Run: record(errors.New("plain error"))},
		},
	}
}

func TestRunCodesAndReasons(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		env        MapEnv
		wantCode   int
		wantReason string // "" means no exit-reason line at all
	}{
		{"start succeeds", []string{"start"}, MapEnv{"OCF_RESKEY_ip": "10.0.0.1"}, 0, ""},
		{"no action", nil, MapEnv{}, 3, ""},
		{"unknown action", []string{"frobnicate"}, MapEnv{}, 3, ""},
		{"meta-data is not an action to run", []string{"migrate_to"}, MapEnv{}, 3, ""},
		{"usage", []string{"usage"}, MapEnv{}, 0, ""},
		{"not running has no reason", []string{"monitor"}, MapEnv{}, 7, ""},
		{"reason is one line", []string{"stop"}, MapEnv{}, 1, "ocf-exit-reason:line one line two"},
		{"reason is truncated", []string{"validate-all"}, MapEnv{}, 6, "ocf-exit-reason:" + strings.Repeat("x", ExitReasonMax)},
		{"custom prefix", []string{"stop"}, MapEnv{"OCF_EXIT_REASON_PREFIX": "why:"}, 1, "why:line one line two"},
		{"plain errors are generic", []string{"_hidden"}, MapEnv{}, 1, "ocf-exit-reason:plain error"},
		{"bad flag", []string{"--nope", "start"}, MapEnv{}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen Context
			var out, errb bytes.Buffer
			code := Run(testAgent(&seen), append([]string{"/usr/lib/ocf/resource.d/x/Test"}, tt.args...), tt.env, &out, &errb)
			if code != tt.wantCode {
				t.Fatalf("code %d, want %d (stderr %q)", code, tt.wantCode, errb.String())
			}
			var reasons []string
			for _, l := range strings.Split(errb.String(), "\n") {
				if strings.Contains(l, "ocf-exit-reason:") || strings.HasPrefix(l, "why:") {
					reasons = append(reasons, l)
				}
			}
			switch {
			case tt.wantReason == "" && len(reasons) != 0:
				t.Errorf("unexpected exit reason %q", reasons)
			case tt.wantReason != "" && (len(reasons) != 1 || reasons[0] != tt.wantReason):
				t.Errorf("exit reasons %q, want exactly [%q]", reasons, tt.wantReason)
			}
		})
	}
}

// runBegan and runEnded bracket the Run call of TestRunParameters' current
// row, for the checks that depend on when it ran.
var runBegan, runEnded time.Time

func TestRunParameters(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   MapEnv
		check func(t *testing.T, c *Context)
	}{
		{"env value", []string{"start"}, MapEnv{"OCF_RESKEY_ip": "10.0.0.1"}, func(t *testing.T, c *Context) {
			if got := c.Params.Get("ip"); got != "10.0.0.1" {
				t.Errorf("ip %q", got)
			}
		}},
		{"default", []string{"start"}, MapEnv{}, func(t *testing.T, c *Context) {
			if got := c.Params.Int("count"); got != 5 {
				t.Errorf("count %d, want default 5", got)
			}
		}},
		{"empty value takes default", []string{"start"}, MapEnv{"OCF_RESKEY_count": ""}, func(t *testing.T, c *Context) {
			if got := c.Params.Int("count"); got != 5 || !c.Params.IsSet("count") {
				t.Errorf("count %d set %v", got, c.Params.IsSet("count"))
			}
		}},
		{"flag beats env", []string{"--ip", "10.0.0.9", "start"}, MapEnv{"OCF_RESKEY_ip": "10.0.0.1"}, func(t *testing.T, c *Context) {
			if got := c.Params.Get("ip"); got != "10.0.0.9" {
				t.Errorf("ip %q", got)
			}
		}},
		{"flag after action, equals form", []string{"start", "--count=7"}, MapEnv{}, func(t *testing.T, c *Context) {
			if got := c.Params.Int("count"); got != 7 {
				t.Errorf("count %d", got)
			}
		}},
		{"probe without interval", []string{"start"}, MapEnv{}, func(t *testing.T, c *Context) {
			if c.Interval != 0 {
				t.Errorf("interval %v", c.Interval)
			}
		}},
		{"interval in ms", []string{"start"}, MapEnv{"OCF_RESKEY_CRM_meta_interval": "10000"}, func(t *testing.T, c *Context) {
			if c.Interval != 10*time.Second {
				t.Errorf("interval %v", c.Interval)
			}
		}},
		// Nine tenths of the timeout from when Run began: bracketed by the
		// instants before and after Run, not by the time left now, which
		// shrinks by however long a loaded machine took to get here.
		{"deadline from timeout", []string{"start"}, MapEnv{"OCF_RESKEY_CRM_meta_timeout": "5000"}, func(t *testing.T, c *Context) {
			const budget = 4500 * time.Millisecond
			d, ok := c.Deadline()
			if !ok || d.Before(runBegan.Add(budget)) || d.After(runEnded.Add(budget)) {
				t.Errorf("deadline %v after Run began (ok %v), want %v", d.Sub(runBegan), ok, budget)
			}
		}},
		{"secret masked", []string{"start"}, MapEnv{"OCF_RESKEY_key": "hunter2"}, func(t *testing.T, c *Context) {
			if s := c.Params.String(); strings.Contains(s, "hunter2") || !strings.Contains(s, "key=(secret)") {
				t.Errorf("params string %q", s)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen Context
			var out, errb bytes.Buffer
			runBegan = time.Now()
			code := Run(testAgent(&seen), append([]string{"Test"}, tt.args...), tt.env, &out, &errb)
			runEnded = time.Now()
			if code != 0 {
				t.Fatalf("code %d, stderr %q", code, errb.String())
			}
			tt.check(t, &seen)
		})
	}
}

func TestProbe(t *testing.T) {
	tests := []struct {
		action   string
		interval time.Duration
		want     bool
	}{
		{"monitor", 0, true},
		{"monitor", 10 * time.Second, false},
		{"status", 0, false},
		{"start", 0, false},
	}
	for _, tt := range tests {
		c := &Context{Action: tt.action, Interval: tt.interval}
		if got := c.Probe(); got != tt.want {
			t.Errorf("%s interval %v: probe %v, want %v", tt.action, tt.interval, got, tt.want)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	var seen Context
	var out, errb bytes.Buffer
	if code := Run(testAgent(&seen), []string{"Test", "--help"}, MapEnv{}, &out, &errb); code != 0 {
		t.Fatalf("--help: code %d", code)
	}
	for _, want := range []string{"usage: Test", "--ip", "--count", "(default 5)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "_hidden") {
		t.Errorf("--help shows the hidden action")
	}
	out.Reset()
	if code := Run(testAgent(&seen), []string{"Test", "--version"}, MapEnv{}, &out, &errb); code != 0 || out.String() != "Test "+Version+"\n" {
		t.Errorf("--version: code %d output %q", code, out.String())
	}
}

func TestWithoutSecrets(t *testing.T) {
	v := newValues([]Param{{Name: "key", Secret: true}, {Name: "ip"}})
	got := v.withoutSecrets([]string{"OCF_RESKEY_key=hunter2", "OCF_RESKEY_ip=10.0.0.1", "PATH=/bin", "key=x"})
	want := []string{"OCF_RESKEY_ip=10.0.0.1", "PATH=/bin", "key=x"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %q, want %q", got, want)
	}
}
