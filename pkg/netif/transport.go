package netif

// Transport carries rtnetlink requests to a kernel and brings back its
// answers. Open uses a NETLINK_ROUTE socket; tests use the fake kernel of
// package netiftest, so that everything above the socket (the codecs, the
// request and dump logic, Host, and the agents' choices made with it) is
// exercised without privileges, as mdlayher/netlink's nltest does for its
// Conn.
type Transport interface {
	// Exchange sends req, one netlink message with its header, and
	// returns the datagrams that answer it, each holding one or more
	// netlink messages, up to the one that completes the answer:
	// NLMSG_DONE of a dump, NLMSG_ERROR of a request with NLM_F_ACK or of
	// a failed one, otherwise the single reply of a get. Messages of other
	// sequence numbers may be among them; they are ignored.
	Exchange(req []byte) ([][]byte, error)
	Close() error
}
