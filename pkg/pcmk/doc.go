// Package pcmk is what a resource agent can learn, locally and without
// Pacemaker's libraries, about the Pacemaker that runs it: which executor
// process ran it, whether that process still lives, and whether the
// cluster configuration last saved on this node leaves a resource
// unmanaged (maintenance mode). VIPArip's announcer outlives every action
// and uses it to notice that the cluster stack of its node is gone.
package pcmk
