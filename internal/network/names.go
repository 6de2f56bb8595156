package network

import (
	"net/netip"
	"strings"

	"github.com/skiff-engine/skiff/internal/network/dns"
	"github.com/skiff-engine/skiff/internal/network/netns"
)

// startDNS serves 127.0.0.11 in the container's namespace once it is on
// a user-defined network (dockerd's embedded DNS).
func (s *Service) startDNS(containerID string, pid int, servers []string) error {
	s.mu.Lock()
	need := s.hasUserDefined(containerID)
	_, running := s.dns[containerID]
	s.mu.Unlock()
	if !need || running {
		return nil
	}
	ns, err := netns.OfPid(pid)
	if err != nil {
		return err
	}
	defer ns.Close()
	srv, err := dns.Start(ns, containerNames{s, containerID}, dns.Upstream(s.opt.ResolvConf, servers))
	if err != nil {
		return err
	}
	s.mu.Lock()
	if _, dup := s.dns[containerID]; dup {
		s.mu.Unlock()
		srv.Close()
		return nil
	}
	s.dns[containerID] = srv
	s.mu.Unlock()
	return nil
}

// stopDNS ends a container's DNS server.
func (s *Service) stopDNS(containerID string) {
	s.mu.Lock()
	srv := s.dns[containerID]
	delete(s.dns, containerID)
	s.mu.Unlock()
	if srv != nil {
		go srv.Close() // waits for the serving goroutines: not on the exit path
	}
}

// containerNames resolves names for one container: the endpoints on the
// user-defined networks it is on, by DNS name or "name.network".
type containerNames struct {
	s  *Service
	id string
}

func (c containerNames) LookupName(name string) (v4, v6 []netip.Addr, ok bool) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for n := range s.userNets(c.id) {
		short := name
		if base, ok := strings.CutSuffix(name, "."+strings.ToLower(n.rec.Name)); ok {
			short = base
		}
		for _, ep := range n.eps {
			for _, dn := range ep.DNSNames {
				if strings.EqualFold(dn, short) {
					ok = true
					if ep.Addr.IsValid() {
						v4 = append(v4, ep.Addr.Addr())
					}
					if ep.Addr6.IsValid() {
						v6 = append(v6, ep.Addr6.Addr())
					}
					break
				}
			}
		}
	}
	return v4, v6, ok
}

func (c containerNames) LookupAddr(a netip.Addr) (string, bool) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for n := range s.userNets(c.id) {
		for _, ep := range n.eps {
			if ep.Addr.Addr() == a || ep.Addr6.Addr() == a {
				return ep.ContainerName + "." + n.rec.Name, true
			}
		}
	}
	return "", false
}
