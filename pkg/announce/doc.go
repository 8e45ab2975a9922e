// Package announce sends RIP responses that announce virtual IP host
// routes, and keeps them announced.
//
// Datagrams leave from UDP port 520, as RFC 2453 §3.9.2 requires of
// responses, through a raw socket: the announcer never binds port 520, so
// it coexists with a local ripd or bird, and it never receives, so it can
// neither accept nor install routes.
package announce
