// Package ocf implements the Open Cluster Framework resource agent contract
// once, so that each agent is a declaration plus its action functions.
//
// An agent is run by a cluster manager (Pacemaker's executor, crm_resource,
// ocf-tester, ocft) with the action as argv[1] and its parameters in
// OCF_RESKEY_<name> environment variables; it answers with an exit code and,
// on failure, one "ocf-exit-reason:" line on stderr. See the OCF resource
// agent API 1.0 and 1.1 (ClusterLabs/OCF-spec, ra/1.1/resource-agent-api.md).
//
// The environment, argv and stdio are injected (see Run), so agents are unit
// tested without privileges; only Main touches the real process and exits.
package ocf
