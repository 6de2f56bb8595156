// Package network is the engine's network service: networks kept in
// <data-root>/networks, IPAM, the bridge driver's data plane in the
// networks' namespace (the namespace RootlessKit detached, or one of the
// engine's own), nftables rules, and the embedded DNS of user-defined
// networks. It implements the API's network routes except connect and
// disconnect, which go through the container service.
package network

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sync"

	"github.com/rs/zerolog"
	"github.com/vishvananda/netlink"

	"github.com/skiff-engine/skiff/internal/events"
	"github.com/skiff-engine/skiff/internal/network/bridge"
	"github.com/skiff-engine/skiff/internal/network/dns"
	"github.com/skiff-engine/skiff/internal/network/ipam"
	"github.com/skiff-engine/skiff/internal/network/netns"
)

// Options configure the network service.
type Options struct {
	DataRoot string // networks go in <DataRoot>/networks/<id>.json
	// NetNS is the namespace file where bridges live; made (and bound
	// there) when it does not exist.
	NetNS  string
	Pools  []ipam.Pool // default-address-pools; Docker's defaults when empty
	BIP    string      // daemon.json bip: the default bridge's gateway/prefix
	MTU    int         // daemon.json mtu (1500 when 0)
	Events *events.Broker
	Log    zerolog.Logger
	// Rootless: macvlan and ipvlan cannot reach a host interface.
	Rootless bool
	// ResolvConf is the host's resolv.conf (upstream DNS).
	ResolvConf string
}

// Service is the network service.
type Service struct {
	opt  Options
	log  zerolog.Logger
	root string

	ns *os.File        // the networks' namespace
	nl *netlink.Handle // netlink in it

	mu    sync.Mutex
	nets  map[string]*netState            // by ID
	byCtr map[string]map[string]*endpoint // container ID -> network ID -> endpoint
	dns   map[string]*dns.Server          // container ID -> its embedded DNS
	// reserved are prefixes no automatic subnet may overlap (routes of
	// the host and of the networks' namespace), found once at start.
	reserved []netip.Prefix
}

// New loads the networks, makes the predefined ones, and brings the data
// plane (bridges, nftables) in line with them.
func New(opt Options) (*Service, error) {
	if len(opt.Pools) == 0 {
		opt.Pools = ipam.DefaultPools()
	}
	if opt.MTU == 0 {
		opt.MTU = 1500
	}
	if opt.ResolvConf == "" {
		opt.ResolvConf = "/etc/resolv.conf"
	}
	s := &Service{
		opt:   opt,
		log:   opt.Log.With().Str("component", "network").Logger(),
		root:  filepath.Join(opt.DataRoot, "networks"),
		nets:  map[string]*netState{},
		byCtr: map[string]map[string]*endpoint{},
		dns:   map[string]*dns.Server{},
	}
	if err := os.MkdirAll(s.root, 0o700); err != nil {
		return nil, err
	}
	if err := netns.Ensure(opt.NetNS); err != nil {
		return nil, err
	}
	f, err := netns.Open(opt.NetNS)
	if err != nil {
		return nil, err
	}
	s.ns = f
	if s.nl, err = bridge.Handle(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("netlink in the networks' namespace: %w", err)
	}
	if err := netns.WriteSysctl(f, "net.ipv4.ip_forward", "1"); err != nil {
		s.log.Warn().Err(err).Msg("enabling IPv4 forwarding in the networks' namespace")
	}
	// bridged traffic need not cross netfilter (faster, and the rules
	// only look at routed traffic); absent when br_netfilter is not loaded
	netns.WriteSysctl(f, "net.bridge.bridge-nf-call-iptables", "0")
	netns.WriteSysctl(f, "net.bridge.bridge-nf-call-ip6tables", "0")
	s.reserved = s.routePrefixes()
	if err := s.load(); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.ensurePredefined(); err != nil {
		s.Close()
		return nil, err
	}
	for _, n := range s.nets {
		if n.isBridge() {
			if err := s.ensureBridge(n); err != nil {
				s.log.Warn().Err(err).Str("network", n.rec.Name).Msg("setting up the bridge")
			}
		}
		if n.isVlan() {
			if err := s.ensureParent(n); err != nil {
				s.log.Warn().Err(err).Str("network", n.rec.Name).Msg("the network's parent interface")
			}
		}
	}
	if err := s.applyRules(); err != nil {
		s.log.Warn().Err(err).Msg("network rules")
	}
	return s, nil
}

// Close releases the namespace handles; bridges and rules stay for the
// containers that go on running.
func (s *Service) Close() {
	if s.nl != nil {
		s.nl.Close()
	}
	if s.ns != nil {
		s.ns.Close()
	}
}
