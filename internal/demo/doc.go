// Package demo is `make demo`: a two-node Pacemaker cluster in network
// namespaces running both ocfnet agents as the README defines them, with
// clients, a RIP router, a planned move, a power failure and a VIP removed
// behind the cluster's back, narrated with measured figures. It is a test
// behind the "demo" build tag so that it reuses the test topology code.
package demo
