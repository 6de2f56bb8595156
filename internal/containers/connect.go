package containers

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	netsvc "github.com/skiff-engine/skiff/internal/network"
)

// dockerd's refusals (daemon/container_operations.go) for containers
// whose network is not theirs.
var (
	errConnectHostNetwork    = errdefs.ErrInvalidArgument.WithMessage("cannot connect container to host network - container must be created in host network mode")
	errDisconnectHostNetwork = errdefs.ErrInvalidArgument.WithMessage("cannot disconnect container from host network - container was created in host network mode")
	errConflictSharedNetwork = errdefs.ErrInvalidArgument.WithMessage("container sharing network namespace with another container or host cannot be connected to any other network")
	errConflictNoNetwork     = errdefs.ErrInvalidArgument.WithMessage("container cannot be connected to multiple networks with one of the networks in private (none) mode")
)

// ConnectNetwork is docker network connect: a stopped container gets the
// network in its record (joined at its next start), a running one an
// interface now, with its names in the network's DNS and /etc/hosts.
func (s *Service) ConnectNetwork(ctx context.Context, netIDOrName string, req network.ConnectRequest) error {
	if s.opt.Networks == nil {
		return errdefs.ErrNotImplemented.WithMessage("networks are not available")
	}
	c, err := s.get(req.Container)
	if err != nil {
		return err
	}
	info, err := s.opt.Networks.Lookup(netIDOrName)
	if err != nil {
		return err
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	c.mu.Lock()
	mode := c.rec.HostConfig.NetworkMode
	running, pid := c.rec.State.Running, c.rec.State.Pid
	id, name := c.rec.ID, strings.TrimPrefix(c.rec.Name, "/")
	already := c.rec.NetworkSettings != nil && c.rec.NetworkSettings.Networks[info.Name] != nil
	dns := addrStrings(c.rec.HostConfig.DNS)
	c.mu.Unlock()
	switch {
	case info.Driver == netsvc.DriverHost && !mode.IsHost():
		return errConnectHostNetwork
	case mode.IsContainer() || mode.IsHost():
		return errConflictSharedNetwork
	case mode.IsNone() || info.Driver == netsvc.DriverNull:
		return errConflictNoNetwork
	case already:
		return errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("endpoint with name %s already exists in network %s", name, info.Name))
	}
	cfg := req.EndpointConfig.Copy()
	if cfg == nil {
		cfg = &network.EndpointSettings{}
	}
	if err := s.opt.Networks.CheckEndpointConfig(info.ID, cfg); err != nil {
		return err
	}
	cfg.NetworkID = info.ID
	es := cfg
	if running {
		es, err = s.opt.Networks.Join(ctx, netsvc.JoinRequest{Network: info.ID, ContainerID: id, ContainerName: name, Pid: pid, Config: cfg, DNS: dns})
		if err != nil {
			return err
		}
	}
	c.mu.Lock()
	if c.rec.NetworkSettings == nil {
		c.rec.NetworkSettings = &container.NetworkSettings{}
	}
	if c.rec.NetworkSettings.Networks == nil {
		c.rec.NetworkSettings.Networks = map[string]*network.EndpointSettings{}
	}
	c.rec.NetworkSettings.Networks[info.Name] = es
	c.mu.Unlock()
	if err := s.save(c, false); err != nil {
		// not connected after all: no interface the record does not list
		c.mu.Lock()
		delete(c.rec.NetworkSettings.Networks, info.Name)
		c.mu.Unlock()
		if running {
			s.opt.Networks.Leave(id, info.ID)
		}
		return err
	}
	if running {
		if err := s.writeHosts(c); err != nil {
			s.log.Warn().Err(err).Str("container", id).Msg("updating /etc/hosts")
		}
		if info.UserDefined {
			if err := s.writeEmbeddedResolvConf(c); err != nil {
				s.log.Warn().Err(err).Str("container", id).Msg("updating resolv.conf")
			}
		}
	}
	return nil
}

// DisconnectNetwork is docker network disconnect: the interface goes at
// once for a running container; force drops a network that no longer
// exists from the record.
func (s *Service) DisconnectNetwork(ctx context.Context, netIDOrName string, req network.DisconnectRequest) error {
	if s.opt.Networks == nil {
		return errdefs.ErrNotImplemented.WithMessage("networks are not available")
	}
	c, err := s.get(req.Container)
	if err != nil {
		return err
	}
	info, lerr := s.opt.Networks.Lookup(netIDOrName)
	if lerr != nil && !(req.Force && errdefs.IsNotFound(lerr)) {
		return lerr
	}
	key := netIDOrName
	if lerr == nil {
		key = info.Name
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	c.mu.Lock()
	mode := c.rec.HostConfig.NetworkMode
	id, running := c.rec.ID, c.rec.State.Running
	var connected bool
	if ns := c.rec.NetworkSettings; ns != nil {
		_, connected = ns.Networks[key]
	}
	c.mu.Unlock()
	if mode.IsHost() && info.Driver == netsvc.DriverHost {
		return errDisconnectHostNetwork
	}
	if !connected {
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("container %s is not connected to network %s", id, key))
	}
	if running && lerr == nil {
		s.opt.Networks.Leave(id, info.ID)
	}
	c.mu.Lock()
	delete(c.rec.NetworkSettings.Networks, key)
	c.mu.Unlock()
	if err := s.save(c, false); err != nil {
		return err
	}
	if running {
		if err := s.writeHosts(c); err != nil {
			s.log.Warn().Err(err).Str("container", id).Msg("updating /etc/hosts")
		}
		if err := s.restoreResolvConf(c); err != nil {
			s.log.Warn().Err(err).Str("container", id).Msg("updating resolv.conf")
		}
	}
	return nil
}

// restoreResolvConf writes the resolv.conf a container gets without the
// embedded DNS once it has left its last user-defined network (the DNS
// server went with it).
func (s *Service) restoreResolvConf(c *ctr) error {
	c.mu.Lock()
	var keys []string
	if ns := c.rec.NetworkSettings; ns != nil {
		for k := range ns.Networks {
			keys = append(keys, k)
		}
	}
	path, hc := c.rec.ResolvConfPath, c.rec.HostConfig
	c.mu.Unlock()
	for _, k := range keys {
		if info, err := s.opt.Networks.Lookup(k); err == nil && info.UserDefined {
			return nil
		}
	}
	if path == "" {
		return nil
	}
	host, err := os.ReadFile(hostResolvConf)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.WriteFile(path, resolvConf(host, hc.DNS, hc.DNSSearch, hc.DNSOptions), 0o644)
}
