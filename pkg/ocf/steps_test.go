package ocf

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// fakeHost counts how often it is closed.
type fakeHost struct{ closed *int }

func (h fakeHost) Close() { *h.closed++ }

// trace records the order in which a needs agent's parts ran.
type trace []string

// needsAgent has one action, "act", declaring needs; its check step
// answers from OCF_RESKEY_ip: "" fails (6), "-" is done, anything else
// goes on to the body, which reports whether it got the host.
func needsAgent(tr *trace, needs Needs, closed *int) *Agent {
	check := func(c *Context) (func(*Context) error, error) {
		*tr = append(*tr, "check")
		switch c.Params.Get("ip") {
		case "":
			return nil, Fail(ErrConfigured, "no ip")
		case "-":
			return nil, nil
		}
		return func(c *Context) error {
			_, ok := c.Host.(fakeHost)
			*tr = append(*tr, "body host="+map[bool]string{true: "yes", false: "no"}[ok])
			return nil
		}, nil
	}
	return &Agent{
		Name:   "Test",
		Params: []Param{{Name: "ip"}, {Name: "done", Kind: Boolean, Default: "false"}},
		Prepare: func(c *Context) (bool, error) {
			*tr = append(*tr, "prepare")
			return c.Params.Bool("done")
		},
		OpenHost: func() (Host, error) {
			*tr = append(*tr, "open")
			return fakeHost{closed}, nil
		},
		Actions: []Action{{Name: "act", Needs: needs, Run: check}},
	}
}

func TestNeeds(t *testing.T) {
	tests := []struct {
		name   string
		needs  Needs
		env    MapEnv
		euid   int
		code   Code
		reason string
		trace  string
	}{
		{"root and host", NeedRoot | NeedHost, MapEnv{"OCF_RESKEY_ip": "x"}, 0, Success, "", "prepare check open body host=yes"},
		{"not root", NeedRoot | NeedHost, MapEnv{"OCF_RESKEY_ip": "x"}, 1000, ErrPerm, "act needs root privileges", "prepare check"},
		{"bad parameters answered before privilege", NeedRoot | NeedHost, MapEnv{}, 1000, ErrConfigured, "no ip", "prepare check"},
		{"done before privilege", NeedRoot | NeedHost, MapEnv{"OCF_RESKEY_ip": "-"}, 1000, Success, "", "prepare check"},
		{"prepare done", NeedRoot | NeedHost, MapEnv{"OCF_RESKEY_done": "true"}, 1000, Success, "", "prepare"},
		{"host without root", NeedHost, MapEnv{"OCF_RESKEY_ip": "x"}, 1000, Success, "", "prepare check open body host=yes"},
		{"nothing needed", 0, MapEnv{"OCF_RESKEY_ip": "x"}, 1000, Success, "", "prepare check body host=no"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tr trace
			closed := 0
			var out, errb bytes.Buffer
			code := Run(needsAgent(&tr, tt.needs, &closed), []string{"Test", "act"}, tt.env, &out, &errb, WithEuid(tt.euid))
			if Code(code) != tt.code {
				t.Fatalf("code %v, want %v (stderr %q)", Code(code), tt.code, errb.String())
			}
			if got := strings.Join(tr, " "); got != tt.trace {
				t.Errorf("ran %q, want %q", got, tt.trace)
			}
			if opened := strings.Contains(tt.trace, "open"); opened != (closed == 1) || closed > 1 {
				t.Errorf("host closed %d times, opened %v", closed, opened)
			}
			reason := ""
			if _, r, ok := strings.Cut(errb.String(), "ocf-exit-reason:"); ok {
				reason = strings.TrimSuffix(r, "\n")
			}
			if reason != tt.reason {
				t.Errorf("exit reason %q, want %q", reason, tt.reason)
			}
		})
	}
}

func TestNeedsHostOpenFails(t *testing.T) {
	var tr trace
	closed := 0
	a := needsAgent(&tr, NeedHost, &closed)
	a.OpenHost = func() (Host, error) { return nil, errors.New("netlink: socket: too many open files") }
	var out, errb bytes.Buffer
	code := Run(a, []string{"Test", "act"}, MapEnv{"OCF_RESKEY_ip": "x"}, &out, &errb)
	if Code(code) != ErrGeneric || !strings.Contains(errb.String(), "ocf-exit-reason:netlink: socket: too many open files\n") || closed != 0 {
		t.Errorf("code %v closed %d stderr %q", Code(code), closed, errb.String())
	}
}

func TestChecked(t *testing.T) {
	var got string
	steps := Checked(func(c *Context) (string, error) { return c.Params.Get("ip"), nil },
		func(c *Context, ip string) error { got = ip; return nil })
	a := &Agent{Name: "Test", Params: []Param{{Name: "ip"}}, Actions: []Action{{Name: "act", Run: steps}}}
	var out, errb bytes.Buffer
	if code := Run(a, []string{"Test", "act"}, MapEnv{"OCF_RESKEY_ip": "10.0.0.1"}, &out, &errb); code != 0 || got != "10.0.0.1" {
		t.Errorf("code %d, body got %q", code, got)
	}
}

func TestCheckLevel(t *testing.T) {
	tests := []struct {
		env  MapEnv
		want int
	}{
		{MapEnv{}, NoCheckLevel},
		{MapEnv{"OCF_CHECK_LEVEL": "0"}, 0},
		{MapEnv{"OCF_CHECK_LEVEL": "10"}, 10},
		{MapEnv{"OCF_CHECK_LEVEL": "deep"}, NoCheckLevel},
		{MapEnv{"OCF_CHECK_LEVEL": "-1"}, NoCheckLevel},
		{MapEnv{"OCF_CHECK_LEVEL": ""}, NoCheckLevel},
	}
	for _, tt := range tests {
		if got := (&Context{Env: tt.env}).CheckLevel(); got != tt.want {
			t.Errorf("%v: CheckLevel %d, want %d", tt.env, got, tt.want)
		}
	}
}

func TestNotRunningIfProbe(t *testing.T) {
	cause := errors.New("no route chooses an interface")
	tests := []struct {
		name string
		c    Context
		want Code
	}{
		{"probe", Context{Action: ActionMonitor}, NotRunning},
		{"recurring monitor", Context{Action: ActionMonitor, Interval: 10}, ErrGeneric},
		{"status is never a probe", Context{Action: ActionStatus}, ErrGeneric},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			tt.c.Log = newLogger(MapEnv{}, "Test", &log)
			err := tt.c.NotRunningIfProbe(cause)
			if CodeOf(err) != tt.want {
				t.Errorf("code %v, want %v", CodeOf(err), tt.want)
			}
			if tt.want != NotRunning && !errors.Is(err, cause) {
				t.Errorf("%v does not carry the cause", err)
			}
		})
	}
}

// TestActionSteps: the OCF answers Stopping, Monitoring and Validating
// give before the body, and that the body runs otherwise.
func TestActionSteps(t *testing.T) {
	invalid := errors.New("invalid ip")
	missing := Fail(ErrConfigured, "the ip parameter is mandatory")
	tests := []struct {
		name   string
		build  func(check func(*Context) (string, error), body func(*Context, string) error) Steps
		action string
		env    MapEnv
		check  error // the check step's error
		code   Code
		ran    bool
	}{
		{"stop runs", Stopping[string], ActionStop, MapEnv{}, nil, Success, true},
		{"stop with bad parameters is done", Stopping[string], ActionStop, MapEnv{}, invalid, Success, false},
		{"stop with a missing parameter is done", Stopping[string], ActionStop, MapEnv{}, missing, Success, false},
		{"probe of an invalid value", Monitoring[string], ActionMonitor, MapEnv{}, invalid, NotRunning, false},
		{"monitor of an invalid value", Monitoring[string], ActionMonitor, MapEnv{"OCF_RESKEY_CRM_meta_interval": "5000"}, invalid, ErrGeneric, false},
		{"probe of a missing parameter", Monitoring[string], ActionMonitor, MapEnv{}, missing, ErrConfigured, false},
		{"monitor runs", Monitoring[string], ActionMonitor, MapEnv{}, nil, Success, true},
		{"validate-all inspects", Validating[string], ActionValidateAll, MapEnv{}, nil, Success, true},
		{"validate-all at level 0", Validating[string], ActionValidateAll, MapEnv{"OCF_CHECK_LEVEL": "0"}, nil, Success, false},
		{"validate-all at level 10", Validating[string], ActionValidateAll, MapEnv{"OCF_CHECK_LEVEL": "10"}, nil, Success, true},
		{"validate-all with bad parameters", Validating[string], ActionValidateAll, MapEnv{"OCF_CHECK_LEVEL": "0"}, missing, ErrConfigured, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran := false
			steps := tt.build(func(*Context) (string, error) { return "v", tt.check },
				func(_ *Context, v string) error { ran = v == "v"; return nil })
			a := &Agent{Name: "Test", Actions: []Action{{Name: tt.action, Needs: NeedRoot, Run: steps}}}
			var out, errb bytes.Buffer
			code := Run(a, []string{"Test", tt.action}, tt.env, &out, &errb, WithEuid(0))
			if Code(code) != tt.code || ran != tt.ran {
				t.Errorf("code %v ran %v, want %v %v (stderr %q)", Code(code), ran, tt.code, tt.ran, errb.String())
			}
		})
	}
}

func TestOpener(t *testing.T) {
	closed := 0
	open := Opener(func() (*fakeHost, error) { return &fakeHost{&closed}, nil })
	if h, err := open(); err != nil || h == nil {
		t.Errorf("open = %v, %v", h, err)
	}
	fail := Opener(func() (*fakeHost, error) { return nil, errors.New("no netlink") })
	if h, err := fail(); err == nil || h != nil {
		t.Errorf("a failed open gave %#v (a nil pointer in a non-nil Host), %v", h, err)
	}
}

// TestDoOnHost: a helper action with nothing to check gets the host Run
// opened for it, and fails clearly when it does not declare NeedHost.
func TestDoOnHost(t *testing.T) {
	for _, tt := range []struct {
		name      string
		needs     Needs
		wantCode  int
		wantBody  bool
		wantClose int
	}{
		{"declared", NeedHost, 0, true, 1},
		{"not declared", 0, 1, false, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			closed, ran := 0, false
			a := &Agent{
				Name:     "Test",
				OpenHost: func() (Host, error) { return fakeHost{&closed}, nil },
				Actions: []Action{{Name: "_helper", Hidden: true, Needs: tt.needs,
					Run: DoOnHost(func(c *Context, h fakeHost) error { ran = true; return nil })}},
			}
			var out, errb strings.Builder
			code := Run(a, []string{"Test", "_helper"}, MapEnv{}, &out, &errb)
			if code != tt.wantCode || ran != tt.wantBody || closed != tt.wantClose {
				t.Errorf("code %d ran %v closed %d, want %d %v %d (stderr %q)", code, ran, closed, tt.wantCode, tt.wantBody, tt.wantClose, errb.String())
			}
		})
	}
}
