package containers

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// checkNetworkMode stores the default network as Docker does ("bridge"),
// refuses the option combinations dockerd refuses, and returns the
// endpoint configuration to record: the network mode's own entry and any
// other network asked at create. A network that does not exist fails
// the start, not the create, as with dockerd: a 404 at create would make
// the docker CLI pull the image.
func (s *Service) checkNetworkMode(hc *container.HostConfig, cfg *container.Config, nc *network.NetworkingConfig) (map[string]*network.EndpointSettings, error) {
	if hc.NetworkMode == "" || hc.NetworkMode.IsDefault() {
		hc.NetworkMode = network.NetworkBridge
	}
	mode := hc.NetworkMode
	switch {
	case mode.IsContainer():
		if mode.ConnectedContainer() == "" {
			return nil, errdefs.ErrInvalidArgument.WithMessage("invalid network mode: " + string(mode))
		}
		switch {
		case cfg.Hostname != "":
			return nil, errdefs.ErrInvalidArgument.WithMessage("conflicting options: hostname and the network mode")
		case len(hc.Links) > 0:
			return nil, errdefs.ErrInvalidArgument.WithMessage("conflicting options: container type network can't be used with links. This would result in undefined behavior")
		case len(hc.DNS) > 0 || len(hc.DNSSearch) > 0 || len(hc.DNSOptions) > 0:
			return nil, errdefs.ErrInvalidArgument.WithMessage("conflicting options: dns and the network mode")
		case len(hc.ExtraHosts) > 0:
			return nil, errdefs.ErrInvalidArgument.WithMessage("conflicting options: custom host-to-IP mapping and the network mode")
		case len(hc.PortBindings) > 0 || hc.PublishAllPorts:
			return nil, errdefs.ErrInvalidArgument.WithMessage("conflicting options: port publishing and the container type network mode")
		}
		return map[string]*network.EndpointSettings{}, nil
	case mode.IsHost() && len(hc.Links) > 0:
		return nil, errdefs.ErrInvalidArgument.WithMessage("conflicting options: host type networking can't be used with links. This would result in undefined behavior")
	}
	nets := map[string]*network.EndpointSettings{}
	if nc != nil {
		for k, v := range nc.EndpointsConfig {
			if v == nil {
				v = &network.EndpointSettings{}
			}
			nets[k] = v.Copy()
		}
	}
	if mode.IsHost() || mode.IsNone() {
		if len(nets) > 1 || (len(nets) == 1 && nets[string(mode)] == nil) {
			return nil, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("container cannot be connected to network endpoints: %s", strings.Join(slices.Sorted(maps.Keys(nets)), ", ")))
		}
	}
	if nets[string(mode)] == nil {
		nets[string(mode)] = &network.EndpointSettings{}
	}
	if s.opt.Networks != nil {
		for k, es := range nets {
			if mode.IsBridge() && len(es.Links) > 0 {
				hc.Links = append(hc.Links, es.Links...)
			}
			err := s.opt.Networks.CheckEndpointConfig(k, es)
			if err != nil && !errdefs.IsNotFound(err) {
				return nil, err
			}
		}
	}
	return nets, nil
}

// checkNetworks is the start-time check: each network must exist, the
// container of a container: mode must run.
func (s *Service) checkNetworks(rec *record) error {
	mode := rec.HostConfig.NetworkMode
	if mode.IsContainer() {
		_, err := s.joinedNetNS(rec)
		return err
	}
	if s.opt.Networks == nil {
		if mode.IsBridge() || mode.IsHost() || mode.IsNone() || mode.IsDefault() {
			return nil
		}
		return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("network %s not found", mode))
	}
	if _, err := s.opt.Networks.Lookup(string(mode)); err != nil {
		return err
	}
	if rec.NetworkSettings != nil {
		for k, es := range rec.NetworkSettings.Networks {
			if _, err := s.lookupNetwork(k, es); err != nil {
				return err
			}
		}
	}
	return nil
}

// netPaths are the namespace and the files a container's spec uses:
// its own, or those of the container whose network it joins.
type netPaths struct{ ns, hosts, resolv, hostname string }

func (s *Service) netPathsOf(rec *record) (netPaths, error) {
	p := netPaths{hosts: rec.HostsPath, resolv: rec.ResolvConfPath, hostname: rec.HostnamePath}
	if !rec.HostConfig.NetworkMode.IsContainer() {
		return p, nil
	}
	t, err := s.joinedNetNS(rec)
	if err != nil {
		return p, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	p.ns = fmt.Sprintf("/proc/%d/ns/net", t.rec.State.Pid)
	p.hosts, p.resolv, p.hostname = t.rec.HostsPath, t.rec.ResolvConfPath, t.rec.HostnamePath
	return p, nil
}

// joinedNetNS finds the running container of a container: mode, with
// dockerd's errors.
func (s *Service) joinedNetNS(rec *record) (*ctr, error) {
	name := rec.HostConfig.NetworkMode.ConnectedContainer()
	t, err := s.get(name)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.rec.ID == rec.ID {
		return nil, errdefs.ErrInvalidArgument.WithMessage("cannot join own network namespace")
	}
	if !t.rec.State.Running || t.rec.State.Pid == 0 {
		return nil, errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot join network namespace of a non running container: container %s is %s", strings.TrimPrefix(t.rec.Name, "/"), status(&t.rec.State, t.removing)))
	}
	return t, nil
}
