package ocf

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// spawn starts the agent binary again, detached, to run the hidden action
// in the background: Helper.Start's way to start a helper. The child
// gets its own session and /dev/null as stdio: ocf-tester and crmsh read
// the agent's output until EOF, and Pacemaker SIGKILLs the agent's whole
// process group on timeout, so a child sharing either would hang them or
// die with the agent. The parameters, including those given as flags,
// are passed as OCF_RESKEY_ variables, except secrets, which a helper that
// outlives the action must not carry in its environment; extraEnv is
// appended last.
// args follow the action on the child's command line, where they identify
// it in /proc/<pid>/cmdline and are its inputs (Context.Inputs). It
// returns the child's pid; the child is never waited for. files become
// the child's descriptors 3, 4, ...
func (c *Context) spawn(action string, args []string, files []*os.File, extraEnv ...string) (int, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, fmt.Errorf("locating own binary: %w", err)
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	defer null.Close()
	cmd := &exec.Cmd{
		Path:        self,
		Args:        append(c.Args(action), args...),
		Env:         append(c.Params.withoutSecrets(append(c.Env.Environ(), c.Params.environ()...)), extraEnv...),
		Stdin:       null,
		Stdout:      null,
		Stderr:      null,
		ExtraFiles:  files,
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("starting %s %s: %w", c.Agent.Name, action, err)
	}
	pid := cmd.Process.Pid
	// Release, not Wait: the helper outlives this action by design.
	_ = cmd.Process.Release()
	return pid, nil
}
