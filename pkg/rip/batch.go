package rip

// Batch splits routes into groups that each fit one datagram with key k,
// keeping their order. Every group is non-empty.
func Batch(routes []Route, k Key) [][]Route { return split(routes, k.MaxRoutes()) }

// split cuts routes into groups of at most per, keeping their order.
func split(routes []Route, per int) [][]Route {
	var out [][]Route
	for len(routes) > 0 {
		n := min(per, len(routes))
		out = append(out, routes[:n:n])
		routes = routes[n:]
	}
	return out
}
