package containers

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/skiff-engine/skiff/slirp/portfwd"
)

// published holds each running container's forwarded ports (*ctr ->
// []*portfwd.Port); they live only as long as this engine process.
var published sync.Map

// portWarnings are create's warnings about port bindings, as dockerd's.
func portWarnings(hc *container.HostConfig) []string {
	if hc.NetworkMode.IsHost() && len(hc.PortBindings) > 0 {
		return []string{"Published ports are discarded when using host network mode"}
	}
	return nil
}

// publishPorts forwards the container's published ports (PortBindings,
// and with PublishAllPorts every exposed port) to its address; the
// network is set up already. On error nothing stays published.
func (s *Service) publishPorts(ctx context.Context, c *ctr) error {
	c.mu.Lock()
	hc, cfg := c.rec.HostConfig, c.rec.Config
	id, name := c.rec.ID, strings.TrimPrefix(c.rec.Name, "/")
	target := containerIP(c.rec.NetworkSettings, hc.NetworkMode)
	c.mu.Unlock()
	if hc == nil || cfg == nil {
		return nil
	}
	if mode := hc.NetworkMode; mode.IsHost() || mode.IsNone() || mode.IsContainer() {
		return nil
	}
	plan, err := planPorts(hc.PortBindings, hc.PublishAllPorts, cfg.ExposedPorts)
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	ports := network.PortMap{}
	for p := range cfg.ExposedPorts {
		ports[p] = nil
	}
	var taken []*portfwd.Port
	if len(plan) > 0 {
		if s.opt.Ports == nil || !target.IsValid() {
			s.log.Warn().Str("container", id).Msg("the container has no address to publish ports to")
		} else if taken, err = s.bind(plan, target); err != nil {
			return fmt.Errorf("driver failed programming external connectivity on endpoint %s (%s): %w", name, id, err)
		}
	}
	for _, p := range taken {
		sp := p.Spec()
		k, _ := network.PortFrom(sp.Target.Port(), network.IPProtocol(sp.Proto))
		ports[k] = append(ports[k], network.PortBinding{HostIP: sp.HostIP, HostPort: strconv.Itoa(sp.HostPort)})
	}
	published.Store(c, taken)
	c.mu.Lock()
	if c.rec.NetworkSettings == nil {
		c.rec.NetworkSettings = &container.NetworkSettings{}
	}
	c.rec.NetworkSettings.Ports = ports
	c.mu.Unlock()
	return nil
}

// releasePorts frees what publishPorts took; safe to call when nothing
// was published. A stopped container shows no ports, as with dockerd.
func (s *Service) releasePorts(c *ctr) {
	if v, ok := published.LoadAndDelete(c); ok {
		for _, p := range v.([]*portfwd.Port) {
			p.Close()
		}
	}
	c.mu.Lock()
	if c.rec.NetworkSettings != nil {
		c.rec.NetworkSettings.Ports = nil
	}
	c.mu.Unlock()
}

// restorePorts publishes again the ports of a container that ran on
// through an engine restart (the listeners died with the old engine).
func (s *Service) restorePorts(c *ctr) {
	if err := s.publishPorts(context.Background(), c); err != nil {
		s.log.Warn().Err(err).Str("container", c.rec.ID).Msg("publishing the container's ports again")
	}
}

// containerIP is the address published ports go to: the endpoint of the
// network mode's network, else the first one with an address.
func containerIP(ns *container.NetworkSettings, mode container.NetworkMode) netip.Addr {
	if ns == nil {
		return netip.Addr{}
	}
	name := string(mode)
	if mode.IsDefault() || name == "" {
		name = network.NetworkBridge
	}
	if es := ns.Networks[name]; es != nil && es.IPAddress.IsValid() {
		return es.IPAddress
	}
	keys := make([]string, 0, len(ns.Networks))
	for k := range ns.Networks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if es := ns.Networks[k]; es != nil && es.IPAddress.IsValid() {
			return es.IPAddress
		}
	}
	return netip.Addr{}
}

// bind publishes every planned port; on the first failure it closes what
// it took and returns the failure.
func (s *Service) bind(plan []portPlan, target netip.Addr) ([]*portfwd.Port, error) {
	var taken []*portfwd.Port
	undo := func() {
		for _, p := range taken {
			p.Close()
		}
	}
	v6 := hostHasIPv6()
	for _, pp := range plan {
		ps, err := s.bindOne(pp, target, v6)
		if err != nil {
			undo()
			return nil, err
		}
		taken = append(taken, ps...)
	}
	return taken, nil
}

// bindOne publishes one binding: on 0.0.0.0 and :: (same port) when no
// host address is given, as dockerd does; a range takes its first free port.
func (s *Service) bindOne(pp portPlan, target netip.Addr, v6 bool) ([]*portfwd.Port, error) {
	ips := []netip.Addr{pp.hostIP}
	if !pp.hostIP.IsValid() {
		ips = []netip.Addr{netip.IPv4Unspecified()}
		if v6 {
			ips = append(ips, netip.IPv6Unspecified())
		}
	}
	tgt := netip.AddrPortFrom(target, pp.port.Num())
	proto := string(pp.port.Proto())
	try := func(hostPort int) ([]*portfwd.Port, error) {
		var out []*portfwd.Port
		for _, ip := range ips {
			p, err := s.opt.Ports.Publish(portfwd.Spec{Proto: proto, HostIP: ip, HostPort: hostPort, Target: tgt})
			if err != nil {
				for _, q := range out {
					q.Close()
				}
				return nil, err
			}
			out = append(out, p)
			hostPort = p.HostPort() // :: takes the port 0.0.0.0 got
		}
		return out, nil
	}
	if pp.lo == 0 {
		// A random port free for 0.0.0.0 may be taken on ::; pick again.
		var err error
		for range 8 {
			var ps []*portfwd.Port
			if ps, err = try(0); err == nil {
				return ps, nil
			}
		}
		return nil, portError(err)
	}
	var err error
	for hp := pp.lo; hp <= pp.hi; hp++ {
		var ps []*portfwd.Port
		if ps, err = try(hp); err == nil {
			return ps, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
	}
	return nil, portError(err)
}

// portError explains a bind failure; below the unprivileged port start a
// rootless engine cannot bind at all.
func portError(err error) error {
	var be *portfwd.BindError
	if !errors.As(err, &be) {
		return err
	}
	if errors.Is(err, syscall.EACCES) {
		start := unprivilegedPortStart()
		return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf(
			"%v: rootless cannot publish host port %d, below net.ipv4.ip_unprivileged_port_start (%d): run 'sudo sysctl -w net.ipv4.ip_unprivileged_port_start=%d' (persist it in /etc/sysctl.d), or publish a port >= %d",
			err, be.Spec.HostPort, start, be.Spec.HostPort, start))
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return errdefs.ErrConflict.WithMessage(err.Error())
	}
	return err
}

func unprivilegedPortStart() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start")
	if err != nil {
		return 1024
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 1024
	}
	return n
}

// hostHasIPv6 reports whether the engine's namespace can listen on ::.
func hostHasIPv6() bool {
	b, err := os.ReadFile("/proc/net/if_inet6")
	return err == nil && len(b) > 0
}
