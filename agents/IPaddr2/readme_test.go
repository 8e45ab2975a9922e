package main

import (
	"testing"

	"github.com/ocfnet/ocfnet/internal/agenttest"
)

// TestREADMEParameters keeps the README's IPaddr2 table true.
func TestREADMEParameters(t *testing.T) {
	agenttest.READMEParameters(t, "../../README.md", "## IPaddr2 parameters", params)
}
