package network

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"iter"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/network"
	"github.com/vishvananda/netlink"

	"github.com/skiff-engine/skiff/internal/atomicfile"
	"github.com/skiff-engine/skiff/internal/network/bridge"
	"github.com/skiff-engine/skiff/internal/network/ipam"
	"github.com/skiff-engine/skiff/internal/network/nft"
)

// Driver names.
const (
	DriverBridge = "bridge"
	DriverHost   = "host"
	DriverNull   = "null"
)

// Docker's bridge driver options.
const (
	optBridgeName    = "com.docker.network.bridge.name"
	optMTU           = "com.docker.network.driver.mtu"
	optDefaultBridge = "com.docker.network.bridge.default_bridge"
	optICC           = "com.docker.network.bridge.enable_icc"
	optMasquerade    = "com.docker.network.bridge.enable_ip_masquerade"
	optHostBinding   = "com.docker.network.bridge.host_binding_ipv4"
)

// netState is a network and what the engine holds for it.
type netState struct {
	rec    network.Network
	bridge string       // bridge device name ("" for host, none)
	mtu    int          // endpoint MTU
	v4, v6 *ipam.Space  // nil when the family is off
	gw4    netip.Prefix // gateway with the subnet's length
	gw6    netip.Prefix
	eps    map[string]*endpoint // container ID -> endpoint
	// parent is a macvlan or ipvlan network's host interface;
	// ownParent says skiff made it (a VLAN subinterface or a dummy).
	parent    string
	ownParent bool
}

func (n *netState) isBridge() bool { return n.rec.Driver == DriverBridge }

// attachable networks give a container an interface of its own.
func (n *netState) attachable() bool { return n.isBridge() || n.isVlan() }

// isDefault is the predefined "bridge" network (no DNS, --link works).
func (n *netState) isDefault() bool { return n.rec.Name == network.NetworkBridge }

// userDefined networks have name resolution (the default bridge, host
// and none have not).
func (n *netState) userDefined() bool { return n.attachable() && !n.isDefault() }

// userNets are the user-defined networks a container is on; call with
// s.mu held.
func (s *Service) userNets(containerID string) iter.Seq[*netState] {
	return func(yield func(*netState) bool) {
		for nid := range s.byCtr[containerID] {
			if n := s.nets[nid]; n != nil && n.userDefined() && !yield(n) {
				return
			}
		}
	}
}

// predefined are the networks that cannot be removed.
func (n *netState) predefined() bool {
	switch n.rec.Name {
	case network.NetworkBridge, network.NetworkHost, network.NetworkNone:
		return true
	}
	return false
}

// endpoint is a container's interface on a network while it runs.
type endpoint struct {
	ID            string
	ContainerID   string
	ContainerName string
	HostIf        string // the veth's outer end; "" for macvlan and ipvlan
	Pid           int    // a process in the container's namespace
	GwPriority    int    // docker run --network gw-priority=
	IfName        string
	MAC           net.HardwareAddr
	Addr, Addr6   netip.Prefix
	DNSNames      []string
}

func newID() string {
	var b [32]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (s *Service) path(id string) string { return filepath.Join(s.root, id+".json") }

// save writes a network's record atomically.
func (s *Service) save(rec *network.Network) error {
	b, err := json.MarshalIndent(rec, "", "\t")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(s.path(rec.ID), b, 0o600)
}

// load reads every network record.
func (s *Service) load() error {
	ents, err := os.ReadDir(s.root)
	if err != nil {
		return err
	}
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.root, e.Name()))
		if err != nil {
			return err
		}
		var rec network.Network
		if err := json.Unmarshal(b, &rec); err != nil || rec.ID != id {
			s.log.Error().Err(err).Str("file", e.Name()).Msg("network record unreadable: left out")
			continue
		}
		s.nets[id] = s.state(rec)
	}
	return nil
}

// state builds the runtime view of a record.
func (s *Service) state(rec network.Network) *netState {
	n := &netState{rec: rec, eps: map[string]*endpoint{}, mtu: s.opt.MTU}
	switch {
	case n.isVlan():
		n.mtu = 0 // the parent's unless set
		n.parent = vlanParent(rec)
	case n.isBridge():
		n.bridge = rec.Options[optBridgeName]
		if n.bridge == "" {
			n.bridge = "br-" + rec.ID[:12]
		}
	default:
		return n
	}
	if m, ok := parseMTU(rec.Options[optMTU]); ok {
		n.mtu = m
	}
	for _, c := range rec.IPAM.Config {
		sp := ipam.NewSpace(c.Subnet, c.IPRange, c.Gateway)
		gw := netip.PrefixFrom(c.Gateway, c.Subnet.Bits())
		if c.Subnet.Addr().Is4() {
			n.v4, n.gw4 = sp, gw
		} else {
			n.v6, n.gw6 = sp, gw
		}
	}
	return n
}

// ensurePredefined makes bridge, host and none on the first start.
func (s *Service) ensurePredefined() error {
	have := map[string]bool{}
	for _, n := range s.nets {
		have[n.rec.Name] = true
	}
	for _, name := range []string{network.NetworkBridge, network.NetworkHost, network.NetworkNone} {
		if have[name] {
			continue
		}
		rec := network.Network{
			Name: name, ID: newID(), Created: nowUTC(), Scope: "local", EnableIPv4: true,
			IPAM:    network.IPAM{Driver: "default", Options: map[string]string{}, Config: []network.IPAMConfig{}},
			Options: map[string]string{}, Labels: map[string]string{},
		}
		switch name {
		case network.NetworkHost:
			rec.Driver = DriverHost
		case network.NetworkNone:
			rec.Driver = DriverNull
		default:
			rec.Driver = DriverBridge
			cfg, err := s.defaultBridgeIPAM()
			if err != nil {
				return err
			}
			rec.IPAM.Config = []network.IPAMConfig{cfg}
			rec.Options = map[string]string{
				optDefaultBridge: "true", optICC: "true", optMasquerade: "true",
				optHostBinding: "0.0.0.0", optBridgeName: s.defaultBridgeName(), optMTU: strconv.Itoa(s.opt.MTU),
			}
		}
		if err := s.save(&rec); err != nil {
			return err
		}
		s.nets[rec.ID] = s.state(rec)
	}
	return nil
}

// defaultBridgeName is docker0 in the networks' own namespace (rootless);
// rootful, the bridge is in the host's namespace, where a real dockerd's
// docker0 may live: skiff keeps to a name of its own there.
func (s *Service) defaultBridgeName() string {
	if s.opt.Rootless {
		return "docker0"
	}
	return "skiff0"
}

// defaultBridgeIPAM is bip when set, else the first free default pool.
func (s *Service) defaultBridgeIPAM() (network.IPAMConfig, error) {
	if s.opt.BIP != "" {
		p, err := netip.ParsePrefix(s.opt.BIP)
		if err != nil {
			return network.IPAMConfig{}, err
		}
		return network.IPAMConfig{Subnet: p.Masked(), Gateway: p.Addr()}, nil
	}
	sub, err := ipam.NextSubnet(s.opt.Pools, s.usedPrefixes(true))
	if errors.Is(err, ipam.ErrPoolsExhausted) {
		// Every pool overlaps a route of the host: better an overlap
		// (which only hides that host network from containers) than no
		// daemon at all.
		s.log.Warn().Msg("every default address pool overlaps a route of the host; the default bridge takes the first pool anyway (set bip or default-address-pools in daemon.json)")
		sub, err = ipam.NextSubnet(s.opt.Pools, s.usedPrefixes(false))
	}
	if err != nil {
		return network.IPAMConfig{}, err
	}
	return network.IPAMConfig{Subnet: sub, Gateway: sub.Addr().Next()}, nil
}

// usedPrefixes are the subnets of the networks, plus the reserved routes
// when auto is set (an explicit --subnet may overlap a host route, as
// with Docker).
func (s *Service) usedPrefixes(auto bool) []netip.Prefix {
	var out []netip.Prefix
	for _, n := range s.nets {
		for _, c := range n.rec.IPAM.Config {
			out = append(out, c.Subnet)
		}
	}
	if auto {
		out = append(out, s.reserved...)
	}
	return out
}

// routePrefixes lists the on-link routes of the engine's (the host's)
// namespace and of the networks' namespace, but not their defaults:
// automatic subnets avoid them, as dockerd avoids the host's networks.
func (s *Service) routePrefixes() []netip.Prefix {
	var out []netip.Prefix
	add := func(rs []netlink.Route) {
		for _, r := range rs {
			if r.Dst == nil {
				continue
			}
			ones, _ := r.Dst.Mask.Size()
			if ones == 0 {
				continue
			}
			a, ok := netip.AddrFromSlice(r.Dst.IP)
			if !ok {
				continue
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), ones).Masked())
		}
	}
	if rs, err := netlink.RouteList(nil, netlink.FAMILY_V4); err == nil {
		add(rs)
	}
	if rs, err := s.nl.RouteList(nil, netlink.FAMILY_V4); err == nil {
		// the bridges' own routes are networks already known
		var keep []netlink.Route
		for _, r := range rs {
			if l, err := s.nl.LinkByIndex(r.LinkIndex); err == nil && l.Type() == "bridge" {
				continue
			}
			keep = append(keep, r)
		}
		add(keep)
	}
	return out
}

// ensureBridge sets a bridge network's device up.
func (s *Service) ensureBridge(n *netState) error {
	return bridge.Ensure(s.nl, bridge.Bridge{Name: n.bridge, Gateway: n.gw4, Gateway6: n.gw6, MTU: n.mtu})
}

// applyRules rebuilds the nftables rules from the bridge networks; call
// with s.mu held or before serving.
func (s *Service) applyRules() error {
	var nets []nft.Net
	for _, n := range s.sorted() {
		if !n.isBridge() {
			continue
		}
		nn := nft.Net{Bridge: n.bridge, Internal: n.rec.Internal}
		for _, c := range n.rec.IPAM.Config {
			nn.Subnets = append(nn.Subnets, c.Subnet)
		}
		if n.rec.Options[optMasquerade] == "false" {
			nn.Subnets = nil
		}
		nets = append(nets, nn)
	}
	return nft.Apply(s.ns, nets)
}
