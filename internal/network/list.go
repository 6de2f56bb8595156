package network

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"

	"github.com/skiff-engine/skiff/internal/filters"
)

// ListNetworks answers GET /networks with dockerd's filters.
func (s *Service) ListNetworks(ctx context.Context, f filters.Args) ([]network.Summary, error) {
	if err := checkListFilters(f); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []network.Summary{}
	for _, n := range s.sorted() {
		if !s.matches(n, f) {
			continue
		}
		out = append(out, network.Summary{Network: copyRec(n.rec)})
	}
	return out, nil
}

// checkListFilters checks the values dockerd checks.
func checkListFilters(f filters.Args) error {
	for _, t := range f.Get("type") {
		if t != "custom" && t != "builtin" {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter: 'type'='%s'", t))
		}
	}
	for _, v := range f.Get("dangling") {
		switch strings.ToLower(v) {
		case "true", "1", "false", "0":
		default:
			return errdefs.ErrInvalidArgument.WithMessage(`invalid value for filter 'dangling', must be "true" (or "1"), or "false" (or "0")`)
		}
	}
	return nil
}

// matches applies the filters to one network; call with s.mu held.
func (s *Service) matches(n *netState, f filters.Args) bool {
	if f.Contains("driver") && !f.ExactMatch("driver", n.rec.Driver) {
		return false
	}
	if f.Contains("name") && !f.Match("name", n.rec.Name) {
		return false
	}
	if f.Contains("id") && !f.FuzzyMatch("id", n.rec.ID) {
		return false
	}
	if f.Contains("label") && !f.MatchKVList("label", n.rec.Labels) {
		return false
	}
	if f.Contains("scope") && !f.ExactMatch("scope", n.rec.Scope) {
		return false
	}
	if f.Contains("type") {
		t := "custom"
		if n.predefined() {
			t = "builtin"
		}
		if !f.ExactMatch("type", t) {
			return false
		}
	}
	if f.Contains("dangling") {
		d, _ := f.GetBoolOrDefault("dangling", false)
		// dangling: no containers and not predefined, as dockerd counts it
		isDangling := !n.predefined() && len(n.eps) == 0
		if d != isDangling {
			return false
		}
	}
	return true
}

// InspectNetwork answers GET /networks/{id}.
func (s *Service) InspectNetwork(ctx context.Context, idOrName string, verbose bool, scope string) (network.Inspect, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.find(idOrName)
	if err != nil {
		return network.Inspect{}, err
	}
	if scope != "" && scope != n.rec.Scope {
		return network.Inspect{}, errNotFound(idOrName)
	}
	out := network.Inspect{Network: copyRec(n.rec), Containers: map[string]network.EndpointResource{}}
	for cid, ep := range n.eps {
		r := network.EndpointResource{Name: ep.ContainerName, EndpointID: ep.ID, MacAddress: network.HardwareAddr(ep.MAC)}
		r.IPv4Address, r.IPv6Address = ep.Addr, ep.Addr6
		out.Containers[cid] = r
	}
	return out, nil
}

// copyRec deep-copies a record for a response.
func copyRec(r network.Network) network.Network {
	r.Options = maps.Clone(r.Options)
	r.Labels = maps.Clone(r.Labels)
	r.IPAM.Options = maps.Clone(r.IPAM.Options)
	r.IPAM.Config = slices.Clone(r.IPAM.Config)
	if r.Options == nil {
		r.Options = map[string]string{}
	}
	if r.Labels == nil {
		r.Labels = map[string]string{}
	}
	if r.IPAM.Config == nil {
		r.IPAM.Config = []network.IPAMConfig{}
	}
	return r
}
