package main

import (
	"errors"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// validateAll checks the parameters and, unless OCF_CHECK_LEVEL is 0 (no
// host inspection, OCF 1.1), that this node can place the VIP: the
// interface exists and a route chooses the interface or netmask
// (ocf.Validating).
func validateAll(c *ocf.Context, h host, cfg config) error {
	addrs, err := h.AddrsOf(cfg.ip)
	if err != nil {
		return err
	}
	if _, err := resolve(h, cfg, addrs); err != nil {
		return resolveError(cfg, err, ocf.ErrConfigured)
	}
	return nil
}

// resolveError maps resolve's errors to exit codes: a missing nic gets
// noLink (resource-agents 4.12 answers 6 on validate-all; start says 5,
// as the interface may exist on other nodes), no route is 1 as in 4.12, a
// label too long for this node's interface name is 6.
func resolveError(cfg config, err error, noLink ocf.Code) error {
	switch {
	case errors.Is(err, netif.ErrNoLink):
		return ocf.Fail(noLink, "interface %s does not exist on this node", cfg.nic)
	case errors.Is(err, errNoRoute):
		return ocf.Fail(ocf.ErrGeneric, "no route chooses an interface for %s: set nic and cidr_netmask", cfg.ip)
	case errors.Is(err, errLabel):
		return ocf.Fail(ocf.ErrConfigured, "%w", err)
	}
	return err
}
