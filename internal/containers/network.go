package containers

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	netsvc "github.com/skiff-engine/skiff/internal/network"
)

// setupNetwork gives a created container (its init waits for Start, pid
// is init's) the interfaces of its networks, then writes its hosts and
// resolv.conf with the addresses it got. host, none and container:
// modes need nothing here (the spec chose the namespace).
func (s *Service) setupNetwork(ctx context.Context, c *ctr, pid int) error {
	c.mu.Lock()
	id, name := c.rec.ID, strings.TrimPrefix(c.rec.Name, "/")
	hc := c.rec.HostConfig
	nets := copyNetworks(c.rec.NetworkSettings)
	if c.rec.NetworkSettings == nil {
		// a record from before networks: its mode's network
		nets[string(hc.NetworkMode)] = &network.EndpointSettings{}
	}
	c.mu.Unlock()
	mode := hc.NetworkMode
	if mode.IsContainer() {
		return nil
	}
	if s.opt.Networks == nil || mode.IsHost() || mode.IsNone() {
		return s.writeHosts(c)
	}
	joined := map[string]*network.EndpointSettings{}
	userDefined := false
	for _, key := range attachOrder(string(mode), nets) {
		cfg := nets[key]
		info, err := s.lookupNetwork(key, cfg)
		if err != nil {
			s.opt.Networks.LeaveAll(id)
			return err
		}
		es, err := s.opt.Networks.Join(ctx, netsvc.JoinRequest{
			Network: info.ID, ContainerID: id, ContainerName: name, Pid: pid,
			Config: cfg, DNS: addrStrings(hc.DNS),
		})
		if err != nil {
			s.opt.Networks.LeaveAll(id)
			return err
		}
		joined[info.Name] = es
		userDefined = userDefined || info.UserDefined
	}
	c.mu.Lock()
	if c.rec.NetworkSettings == nil {
		c.rec.NetworkSettings = &container.NetworkSettings{}
	}
	c.rec.NetworkSettings.Networks = joined
	c.rec.NetworkSettings.SandboxKey = fmt.Sprintf("/proc/%d/ns/net", pid)
	c.mu.Unlock()
	if err := s.writeHosts(c); err != nil {
		return err
	}
	if userDefined {
		return s.writeEmbeddedResolvConf(c)
	}
	return nil
}

// lookupNetwork finds a container's network by the ID it joined last
// time, else by the name or ID it was given.
func (s *Service) lookupNetwork(key string, cfg *network.EndpointSettings) (netsvc.Info, error) {
	if cfg != nil && cfg.NetworkID != "" {
		if info, err := s.opt.Networks.Lookup(cfg.NetworkID); err == nil {
			return info, nil
		}
	}
	return s.opt.Networks.Lookup(key)
}

// attachOrder puts the network mode's network first (eth0), the others
// by name, as dockerd does.
func attachOrder(mode string, nets map[string]*network.EndpointSettings) []string {
	var rest []string
	for k := range nets {
		if k != mode {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	if _, ok := nets[mode]; ok {
		rest = append([]string{mode}, rest...)
	}
	return rest
}

// teardownNetwork undoes setupNetwork; it is safe to call when nothing
// was set up. The record keeps each network's configuration, without
// the addresses, as dockerd's does for a stopped container.
func (s *Service) teardownNetwork(c *ctr) {
	if s.opt.Networks == nil {
		return
	}
	c.mu.Lock()
	id := c.rec.ID
	if ns := c.rec.NetworkSettings; ns != nil {
		ns.SandboxKey = ""
		for _, es := range ns.Networks {
			clearRuntime(es)
		}
	}
	c.mu.Unlock()
	s.opt.Networks.LeaveAll(id)
}

// clearRuntime drops what an endpoint had while it ran.
func clearRuntime(es *network.EndpointSettings) {
	if es == nil {
		return
	}
	es.EndpointID = ""
	es.Gateway, es.IPAddress, es.IPv6Gateway, es.GlobalIPv6Address = netip.Addr{}, netip.Addr{}, netip.Addr{}, netip.Addr{}
	es.IPPrefixLen, es.GlobalIPv6PrefixLen = 0, 0
	es.DNSNames = nil
}

// restoreNetwork registers the endpoints of a container that ran on
// through an engine restart.
func (s *Service) restoreNetwork(c *ctr, pid int) {
	if s.opt.Networks == nil {
		return
	}
	c.mu.Lock()
	id, name := c.rec.ID, strings.TrimPrefix(c.rec.Name, "/")
	nets := copyNetworks(c.rec.NetworkSettings)
	dns := addrStrings(c.rec.HostConfig.DNS)
	c.mu.Unlock()
	for key, es := range nets {
		if err := s.opt.Networks.Restore(id, name, pid, key, es, dns); err != nil {
			s.log.Warn().Err(err).Str("container", id).Str("network", key).Msg("restoring the container's network")
		}
	}
}

// copyNetworks deep-copies the endpoint settings of a record.
func copyNetworks(ns *container.NetworkSettings) map[string]*network.EndpointSettings {
	out := map[string]*network.EndpointSettings{}
	if ns == nil {
		return out
	}
	for k, v := range ns.Networks {
		out[k] = v.Copy()
	}
	return out
}

func addrStrings(as []netip.Addr) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.String())
	}
	return out
}

// writeHosts regenerates the container's /etc/hosts in place (the file
// is bind-mounted): Docker's fixed entries, --add-host, --link targets,
// then one line per address of the container.
func (s *Service) writeHosts(c *ctr) error {
	c.mu.Lock()
	cfg, hc := c.rec.Config, c.rec.HostConfig
	path := c.rec.HostsPath
	var ips []string
	if ns := c.rec.NetworkSettings; ns != nil {
		for _, k := range slices.Sorted(maps.Keys(ns.Networks)) {
			if es := ns.Networks[k]; es != nil && es.IPAddress.IsValid() {
				ips = append(ips, es.IPAddress.String())
			}
		}
	}
	c.mu.Unlock()
	if path == "" {
		return nil
	}
	extra, err := s.extraHosts(hc.ExtraHosts)
	if err != nil {
		return err
	}
	extra = append(extra, s.linkHosts(hc.Links)...)
	return os.WriteFile(path, hostsContent(cfg.Hostname, cfg.Domainname, ips, extra), 0o644)
}

// writeEmbeddedResolvConf points the container at the embedded DNS.
func (s *Service) writeEmbeddedResolvConf(c *ctr) error {
	c.mu.Lock()
	path, hc := c.rec.ResolvConfPath, c.rec.HostConfig
	c.mu.Unlock()
	if path == "" {
		return nil
	}
	host, _ := os.ReadFile(hostResolvConf)
	return os.WriteFile(path, embeddedResolvConf(host, hc.DNSSearch, hc.DNSOptions), 0o644)
}

// linkHosts are the /etc/hosts lines of --link (the default bridge's
// name resolution): "IP alias hostname name" of each running target.
func (s *Service) linkHosts(links []string) []string {
	var out []string
	for _, l := range links {
		target, alias := parseLink(l)
		t, err := s.get(target)
		if err != nil {
			continue
		}
		t.mu.Lock()
		var ip string
		if ns := t.rec.NetworkSettings; ns != nil {
			if es := ns.Networks[network.NetworkBridge]; es != nil && es.IPAddress.IsValid() {
				ip = es.IPAddress.String()
			}
		}
		tname := strings.TrimPrefix(t.rec.Name, "/")
		host := t.rec.Config.Hostname
		t.mu.Unlock()
		if ip == "" {
			continue
		}
		names := []string{alias}
		for _, n := range []string{host, tname} {
			if n != "" && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		out = append(out, ip+"\t"+strings.Join(names, " "))
	}
	return out
}

// parseLink reads "name:alias" or dockerd's stored "/name:/self/alias".
func parseLink(l string) (target, alias string) {
	target, alias, ok := strings.Cut(l, ":")
	target = strings.TrimPrefix(target, "/")
	if !ok || alias == "" {
		alias = target
	}
	return target, filepath.Base(alias)
}
