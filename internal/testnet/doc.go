// Package testnet builds throw-away network topologies in Linux network
// namespaces for the privileged tests: namespaces joined by veth pairs and
// bridges (the only virtual links every kernel here has), processes
// started inside them, and a pinging client that measures outages.
//
// Everything a test creates is removed in its cleanup, also when it fails:
// processes first, then namespaces, which takes their links with them.
// Nothing in the root namespace is touched. Names carry a random per-Net
// prefix so parallel tests and leftovers of crashed runs never collide;
// Sweep removes such leftovers.
package testnet
