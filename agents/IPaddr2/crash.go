package main

import (
	"os"
	"syscall"
)

// crashAt names the point at which the agent kills itself with SIGKILL,
// as Pacemaker's timeout would: a hook for the fault-injection tests,
// which check that every action after such a kill finds the truth and
// cleans up. Read once; unset, each point costs one string comparison.
var crashAt = os.Getenv("OCFNET_IPADDR2_CRASH_AT")

// crashPoint kills the agent here when the test asked for it.
func crashPoint(name string) {
	if crashAt != "" && crashAt == name {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
}
