package main

import (
	"testing"

	"github.com/ocfnet/ocfnet/internal/agenttest"
)

// TestREADMEParameters keeps the README's VIPArip table true.
func TestREADMEParameters(t *testing.T) {
	agenttest.READMEParameters(t, "../../README.md", "## VIPArip parameters", params)
}
