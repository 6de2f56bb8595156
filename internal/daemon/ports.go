package daemon

import (
	"net/netip"

	"github.com/skiff-engine/skiff/rootless"
	"github.com/skiff-engine/skiff/slirp/hostgw"
	"github.com/skiff-engine/skiff/slirp/portfwd"
)

// newPortForwarder publishes container ports from the engine's namespace
// (the host's) into the networks' namespace; rootful they are the same.
// Rootless, it also starts the host-gateway fast path, which lives as
// long as the engine.
func newPortForwarder(s *settings) (*portfwd.Forwarder, error) {
	if !rootless.InUserNS() {
		return portfwd.New("")
	}
	f, err := portfwd.New(networksNS(s.runDir))
	if err != nil {
		return nil, err
	}
	if gw, err := netip.ParseAddr(rootless.HostGatewayIP()); err == nil && s.cfg.HostGatewayIP == "" {
		if _, err := hostgw.Start(f, gw, netip.MustParseAddr("127.0.0.1")); err != nil {
			// The egress driver still carries the traffic, slower.
			s.log.Warn().Err(err).Msg("host-gateway: TCP goes through the egress driver")
		}
	}
	return f, nil
}

// hostGatewayIP is what --add-host h:host-gateway resolves to:
// daemon.json's host-gateway-ip, else rootless the egress driver's address
// for the host's loopback ("" when there is none: single-id, rootful).
func hostGatewayIP(s *settings) string {
	if s.cfg.HostGatewayIP != "" {
		return s.cfg.HostGatewayIP
	}
	if rootless.InUserNS() {
		return rootless.HostGatewayIP()
	}
	return ""
}
