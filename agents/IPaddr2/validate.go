package main

import (
	"errors"

	"github.com/ocfnet/ocfnet/pkg/netif"
	"github.com/ocfnet/ocfnet/pkg/ocf"
)

// validateAll checks the parameters and, unless OCF_CHECK_LEVEL is 0 (no
// host inspection, OCF 1.1), that this node can place the VIP: the
// interface exists and a route chooses the interface or netmask.
func validateAll(c *ocf.Context) error {
	cfg, err := parseConfig(c)
	if err != nil {
		return err
	}
	if c.Env.Get("OCF_CHECK_LEVEL") == "0" {
		return nil
	}
	h, err := netif.Open()
	if err != nil {
		return ocf.Fail(ocf.ErrGeneric, "%v", err)
	}
	defer h.Close()
	if _, err := resolve(h, cfg); err != nil {
		return validateResolveError(cfg, err)
	}
	return nil
}

// validateResolveError keeps resource-agents 4.12's validate-all codes: a
// missing interface is a configuration error there (6), no route is 1.
func validateResolveError(cfg config, err error) error {
	switch {
	case errors.Is(err, netif.ErrNoLink):
		return ocf.Fail(ocf.ErrConfigured, "interface %s does not exist", cfg.nic)
	case errors.Is(err, errNoRoute):
		return ocf.Fail(ocf.ErrGeneric, "no route chooses an interface for %s: set nic and cidr_netmask", cfg.ip)
	case errors.Is(err, errLabel):
		return ocf.Fail(ocf.ErrConfigured, "%v", err)
	}
	return ocf.Fail(ocf.ErrGeneric, "%v", err)
}
