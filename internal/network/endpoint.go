package network

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/network"

	"github.com/skiff-engine/skiff/internal/network/bridge"
	"github.com/skiff-engine/skiff/internal/network/netns"
	"github.com/skiff-engine/skiff/internal/network/vlan"
)

// Info is what the container service needs to know of a network.
type Info struct {
	ID, Name, Driver string
	Internal         bool
	// UserDefined networks have name resolution (the default bridge,
	// host and none have not).
	UserDefined bool
}

// Lookup finds a network by ID, name or ID prefix.
func (s *Service) Lookup(idOrName string) (Info, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.find(idOrName)
	if err != nil {
		return Info{}, err
	}
	return n.info(), nil
}

func (n *netState) info() Info {
	return Info{ID: n.rec.ID, Name: n.rec.Name, Driver: n.rec.Driver, Internal: n.rec.Internal, UserDefined: n.userDefined()}
}

// JoinRequest asks for a running (or starting) container's interface on
// a network.
type JoinRequest struct {
	Network       string // ID or name
	ContainerID   string
	ContainerName string // without the leading "/"
	Pid           int    // a process in the container's network namespace
	// Config is the endpoint configuration asked for (docker run
	// --network-alias, --ip, --mac-address; connect --alias, --ip).
	Config *network.EndpointSettings
	// DNS are the container's --dns servers, for the embedded resolver.
	DNS []string
}

// CheckEndpointConfig validates an endpoint configuration for a network
// before anything is made, with dockerd's messages.
func (s *Service) CheckEndpointConfig(idOrName string, cfg *network.EndpointSettings) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.find(idOrName)
	if err != nil {
		return err
	}
	return n.checkConfig(cfg)
}

func (n *netState) checkConfig(cfg *network.EndpointSettings) error {
	if cfg == nil {
		return nil
	}
	if !n.attachable() {
		return nil
	}
	if n.isDefault() {
		if cfg.IPAMConfig != nil && (cfg.IPAMConfig.IPv4Address.IsValid() || cfg.IPAMConfig.IPv6Address.IsValid()) {
			return errdefs.ErrInvalidArgument.WithMessage("invalid endpoint settings:\nuser specified IP address is supported on user defined networks only")
		}
		if len(cfg.Aliases) > 0 {
			return errdefs.ErrInvalidArgument.WithMessage("invalid endpoint settings:\nnetwork-scoped alias is supported only for containers in user defined networks")
		}
	}
	if c := cfg.IPAMConfig; c != nil {
		if a := c.IPv4Address; a.IsValid() && (n.v4 == nil || !n.v4.Subnet.Contains(a)) {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid endpoint settings:\nno configured subnet or ip-range contain the IP address %s", a))
		}
		if a := c.IPv6Address; a.IsValid() && (n.v6 == nil || !n.v6.Subnet.Contains(a)) {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid endpoint settings:\nno configured subnet or ip-range contain the IP address %s", a))
		}
	}
	return nil
}

// Join gives the container an interface on the network: an address, a
// veth pair on the bridge, its DNS names, and the embedded DNS server in
// its namespace for user-defined networks. It returns the endpoint's
// settings as container inspect shows them.
func (s *Service) Join(ctx context.Context, req JoinRequest) (*network.EndpointSettings, error) {
	s.mu.Lock()
	n, err := s.find(req.Network)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if !n.attachable() {
		s.mu.Unlock()
		return nil, errdefs.ErrPermissionDenied.WithMessage("container cannot be disconnected from host network or connected to host network")
	}
	if err := n.checkConfig(req.Config); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if _, ok := n.eps[req.ContainerID]; ok {
		s.mu.Unlock()
		return nil, errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("endpoint with name %s already exists in network %s", req.ContainerName, n.rec.Name))
	}
	ep, err := s.allocate(n, req)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	s.mu.Unlock()

	if n.isVlan() {
		err = s.plumbVlan(n, ep, req.Pid)
	} else {
		err = s.plumb(n, ep, req.Pid)
	}
	if err == nil {
		err = s.startDNS(req.ContainerID, req.Pid, req.DNS)
	}
	if err != nil {
		s.mu.Lock()
		s.release(n, ep)
		s.mu.Unlock()
		if ep.HostIf != "" {
			bridge.DeleteLink(s.nl, ep.HostIf)
		}
		return nil, err
	}
	s.publish(n, events.ActionConnect, map[string]string{"container": req.ContainerID})
	return n.settings(ep, req.Config), nil
}

// allocate reserves the endpoint's addresses and registers it; call with
// s.mu held.
func (s *Service) allocate(n *netState, req JoinRequest) (*endpoint, error) {
	ep := &endpoint{ID: newID(), ContainerID: req.ContainerID, ContainerName: req.ContainerName, Pid: req.Pid}
	if n.isBridge() {
		ep.HostIf = "veth" + ep.ID[:7]
	}
	ep.IfName = s.nextIfName(req.ContainerID)
	var want4, want6 netip.Addr
	if c := req.Config; c != nil {
		if c.IPAMConfig != nil {
			want4, want6 = c.IPAMConfig.IPv4Address, c.IPAMConfig.IPv6Address
		}
		ep.GwPriority = c.GwPriority
		if len(c.MacAddress) == 6 {
			ep.MAC = net.HardwareAddr(c.MacAddress)
		}
	}
	if ep.MAC == nil && n.rec.Driver != vlan.Ipvlan {
		ep.MAC = bridge.NewMAC() // an ipvlan link has its parent's
	}
	if n.v4 != nil {
		a, err := n.v4.Allocate(want4)
		if err != nil {
			return nil, addrError(err, want4)
		}
		ep.Addr = netip.PrefixFrom(a, n.v4.Subnet.Bits())
	}
	if n.v6 != nil {
		a, err := n.v6.Allocate(want6)
		if err != nil {
			if ep.Addr.IsValid() {
				n.v4.Release(ep.Addr.Addr())
			}
			return nil, addrError(err, want6)
		}
		ep.Addr6 = netip.PrefixFrom(a, n.v6.Subnet.Bits())
	}
	ep.DNSNames = dnsNames(n, req)
	s.register(n, ep)
	return ep, nil
}

func addrError(err error, want netip.Addr) error {
	if want.IsValid() {
		return errdefs.ErrInvalidArgument.WithMessage("invalid endpoint settings:\n" + err.Error())
	}
	return errdefs.ErrUnavailable.WithMessage(err.Error())
}

// dnsNames are the names an endpoint answers to, as dockerd lists them:
// the container name, its aliases and its short ID (user-defined only).
func dnsNames(n *netState, req JoinRequest) []string {
	names := []string{req.ContainerName}
	if n.isDefault() {
		return names
	}
	if req.Config != nil {
		for _, a := range req.Config.Aliases {
			if !slices.Contains(names, a) {
				names = append(names, a)
			}
		}
	}
	if len(req.ContainerID) >= 12 && !slices.Contains(names, req.ContainerID[:12]) {
		names = append(names, req.ContainerID[:12])
	}
	return names
}

func (s *Service) register(n *netState, ep *endpoint) {
	n.eps[ep.ContainerID] = ep
	m := s.byCtr[ep.ContainerID]
	if m == nil {
		m = map[string]*endpoint{}
		s.byCtr[ep.ContainerID] = m
	}
	m[n.rec.ID] = ep
}

// release forgets an endpoint and frees its addresses; call with s.mu
// held.
func (s *Service) release(n *netState, ep *endpoint) {
	if n.eps[ep.ContainerID] == ep {
		delete(n.eps, ep.ContainerID)
	}
	if m := s.byCtr[ep.ContainerID]; m != nil && m[n.rec.ID] == ep {
		delete(m, n.rec.ID)
		if len(m) == 0 {
			delete(s.byCtr, ep.ContainerID)
		}
	}
	if ep.Addr.IsValid() && n.v4 != nil {
		n.v4.Release(ep.Addr.Addr())
	}
	if ep.Addr6.IsValid() && n.v6 != nil {
		n.v6.Release(ep.Addr6.Addr())
	}
}

// nextIfName is the lowest ethN the container does not use.
func (s *Service) nextIfName(containerID string) string {
	used := map[string]bool{}
	for _, ep := range s.byCtr[containerID] {
		used[ep.IfName] = true
	}
	for i := 0; ; i++ {
		if name := fmt.Sprintf("eth%d", i); !used[name] {
			return name
		}
	}
}

// plumb makes the veth pair into the namespace of pid.
func (s *Service) plumb(n *netState, ep *endpoint, pid int) error {
	ns, err := netns.OfPid(pid)
	if err != nil {
		return fmt.Errorf("the container's network namespace: %w", err)
	}
	defer ns.Close()
	be := bridge.Endpoint{Bridge: n.bridge, HostIf: ep.HostIf, IfName: ep.IfName, Addr: ep.Addr, Addr6: ep.Addr6, MAC: ep.MAC, MTU: n.mtu}
	if !n.rec.Internal {
		if n.gw4.IsValid() {
			be.Gateway = n.gw4.Addr()
		}
		if n.gw6.IsValid() {
			be.Gateway6 = n.gw6.Addr()
		}
	}
	if err := bridge.Attach(s.nl, ns, be); err != nil {
		return fmt.Errorf("connecting to network %s: %w", n.rec.Name, err)
	}
	return nil
}

// settings is the endpoint as container inspect shows it.
func (n *netState) settings(ep *endpoint, cfg *network.EndpointSettings) *network.EndpointSettings {
	out := cfg.Copy()
	if out == nil {
		out = &network.EndpointSettings{}
	}
	out.NetworkID = n.rec.ID
	out.EndpointID = ep.ID
	out.MacAddress = network.HardwareAddr(ep.MAC)
	out.DNSNames = slices.Clone(ep.DNSNames)
	if ep.Addr.IsValid() {
		out.IPAddress, out.IPPrefixLen = ep.Addr.Addr(), ep.Addr.Bits()
		out.Gateway = n.gw4.Addr()
	}
	if ep.Addr6.IsValid() {
		out.GlobalIPv6Address, out.GlobalIPv6PrefixLen = ep.Addr6.Addr(), ep.Addr6.Bits()
		out.IPv6Gateway = n.gw6.Addr()
	}
	return out
}

// Leave removes the container's interface on a network (disconnect, or
// its exit) and its names.
func (s *Service) Leave(containerID, networkID string) {
	s.leave(containerID, networkID, false)
}

// leave forgets the endpoint at once; exiting, the veth pair goes in the
// background (the kernel takes it with the container's namespace anyway,
// and deleting a link waits for RCU: milliseconds on the exit path).
func (s *Service) leave(containerID, networkID string, exiting bool) {
	s.mu.Lock()
	n := s.nets[networkID]
	var ep *endpoint
	if m := s.byCtr[containerID]; m != nil {
		ep = m[networkID]
	}
	if ep == nil {
		s.mu.Unlock()
		return
	}
	if n != nil {
		s.release(n, ep)
	} else {
		delete(s.byCtr[containerID], networkID)
	}
	stopDNS := !s.hasUserDefined(containerID)
	s.mu.Unlock()
	detach := func() {
		if ep.HostIf == "" {
			if !exiting {
				if err := detachInner(ep); err != nil {
					s.log.Warn().Err(err).Str("interface", ep.IfName).Msg("deleting an endpoint's interface")
				}
			}
			return
		}
		if err := bridge.DeleteLink(s.nl, ep.HostIf); err != nil {
			s.log.Warn().Err(err).Str("veth", ep.HostIf).Msg("deleting an endpoint's veth pair")
		}
	}
	if exiting {
		go detach()
	} else {
		detach()
		s.reroute(containerID, ep.Pid)
	}
	if stopDNS {
		s.stopDNS(containerID)
	}
	if n != nil {
		s.publish(n, events.ActionDisconnect, map[string]string{"container": containerID})
	}
}

// LeaveAll removes every interface of a container (its exit).
func (s *Service) LeaveAll(containerID string) {
	s.mu.Lock()
	var ids []string
	for id := range s.byCtr[containerID] {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	for _, id := range ids {
		s.leave(containerID, id, true)
	}
	s.stopDNS(containerID)
}

// Restore registers the endpoint of a container that kept running while
// the engine restarted (its veth pair is in place) and serves its DNS
// again.
func (s *Service) Restore(containerID, containerName string, pid int, networkName string, es *network.EndpointSettings, dnsServers []string) error {
	if es == nil || es.EndpointID == "" {
		return nil
	}
	s.mu.Lock()
	n := s.nets[es.NetworkID]
	if n == nil {
		var err error
		if n, err = s.find(networkName); err != nil {
			s.mu.Unlock()
			return err
		}
	}
	ep := &endpoint{ID: es.EndpointID, ContainerID: containerID, ContainerName: containerName, Pid: pid, GwPriority: es.GwPriority, MAC: net.HardwareAddr(es.MacAddress), DNSNames: slices.Clone(es.DNSNames)}
	if n.isBridge() {
		ep.HostIf = "veth" + ep.ID[:7]
	}
	ep.IfName = s.nextIfName(containerID)
	if es.IPAddress.IsValid() && n.v4 != nil {
		n.v4.Mark(es.IPAddress)
		ep.Addr = netip.PrefixFrom(es.IPAddress, es.IPPrefixLen)
	}
	if es.GlobalIPv6Address.IsValid() && n.v6 != nil {
		n.v6.Mark(es.GlobalIPv6Address)
		ep.Addr6 = netip.PrefixFrom(es.GlobalIPv6Address, es.GlobalIPv6PrefixLen)
	}
	s.register(n, ep)
	s.mu.Unlock()
	return s.startDNS(containerID, pid, dnsServers)
}

// hasUserDefined reports whether a container is on a network with name
// resolution; call with s.mu held.
func (s *Service) hasUserDefined(containerID string) bool {
	for range s.userNets(containerID) {
		return true
	}
	return false
}
