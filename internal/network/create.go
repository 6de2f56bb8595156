package network

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/network"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/network/bridge"
	"github.com/skiff-engine/skiff/internal/network/ipam"
	"github.com/skiff-engine/skiff/internal/network/vlan"
)

// errPoolOverlap is dockerd's 403 for a subnet that overlaps another
// network's.
var errPoolOverlap = errdefs.ErrPermissionDenied.WithMessage("invalid pool request: Pool overlaps with other one on this address space")

// CreateNetwork answers POST /networks/create.
func (s *Service) CreateNetwork(ctx context.Context, req network.CreateRequest) (network.CreateResponse, error) {
	if err := checkCreate(&req, s.opt.Rootless); err != nil {
		return network.CreateResponse{}, err
	}
	switch req.Name {
	case network.NetworkBridge, network.NetworkHost, network.NetworkNone:
		// dockerd's words, trailing space included
		return network.CreateResponse{}, errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("operation is not permitted on predefined %s network ", req.Name))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.nets {
		if n.rec.Name == req.Name {
			return network.CreateResponse{}, errdefs.ErrConflict.WithMessage(fmt.Sprintf("network with name %s already exists", req.Name))
		}
	}
	rec := network.Network{
		Name: req.Name, ID: newID(), Created: nowUTC(), Scope: "local", Driver: req.Driver,
		EnableIPv4: true, EnableIPv6: req.EnableIPv6 != nil && *req.EnableIPv6,
		Internal: req.Internal, Attachable: req.Attachable,
		ConfigFrom: network.ConfigReference{},
		Options:    maps.Clone(req.Options), Labels: maps.Clone(req.Labels),
		IPAM: network.IPAM{Driver: "default", Options: map[string]string{}, Config: []network.IPAMConfig{}},
	}
	if rec.Options == nil {
		rec.Options = map[string]string{}
	}
	if rec.Labels == nil {
		rec.Labels = map[string]string{}
	}
	if req.IPAM != nil {
		if req.IPAM.Driver != "" {
			rec.IPAM.Driver = req.IPAM.Driver
		}
		if req.IPAM.Options != nil {
			rec.IPAM.Options = maps.Clone(req.IPAM.Options)
		}
	}
	if err := s.checkBridgeOptions(rec.Options); err != nil {
		return network.CreateResponse{}, err
	}
	cfgs, err := s.ipamConfigs(req.IPAM, rec.EnableIPv6)
	if err != nil {
		return network.CreateResponse{}, err
	}
	rec.IPAM.Config = cfgs
	n := s.state(rec)
	if n.isVlan() {
		if err := s.checkVlan(n); err != nil {
			return network.CreateResponse{}, err
		}
		if err := s.save(&rec); err != nil {
			s.removeParent(n)
			return network.CreateResponse{}, err
		}
		s.nets[rec.ID] = n
		s.publish(n, events.ActionCreate, nil)
		return network.CreateResponse{ID: rec.ID}, nil
	}
	if err := s.ensureBridge(n); err != nil {
		bridge.DeleteLink(s.nl, n.bridge)
		if rec.EnableIPv6 && ipv6Unavailable(err) {
			return network.CreateResponse{}, errdefs.ErrNotImplemented.WithMessage("IPv6 is disabled in skiff's networks' namespace: cannot create an IPv6 network")
		}
		return network.CreateResponse{}, fmt.Errorf("creating the bridge of network %s: %w", req.Name, err)
	}
	s.nets[rec.ID] = n
	if err := s.applyRules(); err != nil {
		delete(s.nets, rec.ID)
		bridge.DeleteLink(s.nl, n.bridge)
		return network.CreateResponse{}, err
	}
	if err := s.save(&rec); err != nil {
		delete(s.nets, rec.ID)
		bridge.DeleteLink(s.nl, n.bridge)
		s.applyRules()
		return network.CreateResponse{}, err
	}
	s.publish(n, events.ActionCreate, nil)
	return network.CreateResponse{ID: rec.ID}, nil
}

// ipv6Unavailable tells the refusal of a namespace with IPv6 disabled
// from other failures to address the bridge.
func ipv6Unavailable(err error) bool {
	return errors.Is(err, os.ErrPermission) || errors.Is(err, unix.EAFNOSUPPORT)
}

// checkCreate refuses what only another driver or swarm could do, with
// dockerd's words where it has them.
func checkCreate(req *network.CreateRequest, rootless bool) error {
	if strings.TrimSpace(req.Name) == "" {
		return errdefs.ErrInvalidArgument.WithMessage("network name is empty")
	}
	switch req.Driver {
	case "", DriverBridge:
		req.Driver = DriverBridge
	case DriverHost, DriverNull:
		return errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("only one instance of %q network is allowed", req.Driver))
	case "overlay":
		return errdefs.ErrNotImplemented.WithMessage("overlay networks are not supported yet: skiff has no swarm mode")
	case vlan.Macvlan, vlan.Ipvlan:
		if rootless {
			return errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("%s networks need a host interface, which a rootless daemon cannot reach: use a bridge network, or run skiff as root", req.Driver))
		}
	default:
		return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("plugin %q not found", req.Driver))
	}
	if req.Scope != "" && req.Scope != "local" {
		return errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("%s scope networks are not supported: skiff has no swarm mode", req.Scope))
	}
	if req.Ingress {
		return errdefs.ErrNotImplemented.WithMessage("ingress networks are not supported: skiff has no swarm mode")
	}
	if req.ConfigOnly || (req.ConfigFrom != nil && req.ConfigFrom.Network != "") {
		return errdefs.ErrNotImplemented.WithMessage("config-only networks are not supported yet")
	}
	if req.EnableIPv4 != nil && !*req.EnableIPv4 {
		return errdefs.ErrNotImplemented.WithMessage("IPv6-only networks are not supported yet")
	}
	if req.IPAM != nil && req.IPAM.Driver != "" && req.IPAM.Driver != "default" {
		return errdefs.ErrNotFound.WithMessage(fmt.Sprintf("plugin %q not found", req.IPAM.Driver))
	}
	return nil
}

// checkBridgeOptions validates the bridge name and MTU options.
func (s *Service) checkBridgeOptions(opts map[string]string) error {
	if name, ok := opts[optBridgeName]; ok {
		if name == "" || len(name) > 15 || strings.ContainsAny(name, "/ \t\n") {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid bridge name %q", name))
		}
		for _, n := range s.nets {
			if n.bridge == name {
				return errdefs.ErrConflict.WithMessage(fmt.Sprintf("bridge name %s is already used by network %s", name, n.rec.Name))
			}
		}
	}
	if v, ok := opts[optMTU]; ok {
		m, err := strconv.Atoi(v)
		if err != nil || m < 68 || m > 65535 {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid MTU number: %s", v))
		}
	}
	return nil
}

// ipamConfigs validates the requested subnets (dockerd's ValidateIPAM
// messages), checks them against the other networks, and fills in what
// is missing: a subnet from the pools, the gateway.
func (s *Service) ipamConfigs(req *network.IPAM, v6 bool) ([]network.IPAMConfig, error) {
	var in []network.IPAMConfig
	if req != nil {
		in = req.Config
	}
	var errs []string
	var out []network.IPAMConfig
	has4, has6 := false, false
	for _, c := range in {
		if !c.Subnet.IsValid() {
			if c.IPRange.IsValid() || c.Gateway.IsValid() {
				return nil, errdefs.ErrInvalidArgument.WithMessage("invalid network config:\nsubnet is required when an ip-range or a gateway is given")
			}
			continue
		}
		fam := "IPv4"
		if c.Subnet.Addr().Is6() {
			fam = "IPv6"
			if !v6 {
				continue // dockerd ignores IPv6 subnets of an IPv4-only network
			}
		}
		if c.Subnet != c.Subnet.Masked() {
			errs = append(errs, fmt.Sprintf("invalid subnet %s: it should be %s", c.Subnet, c.Subnet.Masked()))
		}
		if r := c.IPRange; r.IsValid() {
			switch {
			case r.Addr().Is6() != c.Subnet.Addr().Is6():
				errs = append(errs, fmt.Sprintf("invalid ip-range %s: parent subnet is an %s block", r, fam))
			default:
				if r.Bits() < c.Subnet.Bits() {
					errs = append(errs, fmt.Sprintf("invalid ip-range %s: CIDR block is bigger than its parent subnet %s", r, c.Subnet))
				}
				if r != r.Masked() {
					errs = append(errs, fmt.Sprintf("invalid ip-range %s: it should be %s", r, r.Masked()))
				}
				if !c.Subnet.Overlaps(r) {
					errs = append(errs, fmt.Sprintf("invalid ip-range %s: parent subnet %s doesn't contain ip-range", r, c.Subnet))
				}
			}
		}
		if g := c.Gateway; g.IsValid() {
			switch {
			case g.Is6() != c.Subnet.Addr().Is6():
				errs = append(errs, fmt.Sprintf("invalid gateway %s: parent subnet is an %s block", g, fam))
			case !c.Subnet.Contains(g):
				errs = append(errs, fmt.Sprintf("invalid gateway %s: parent subnet %s doesn't contain this address", g, c.Subnet))
			}
		}
		if (fam == "IPv4" && has4) || (fam == "IPv6" && has6) {
			return nil, errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("skiff supports one %s subnet per network", fam))
		}
		has4, has6 = has4 || fam == "IPv4", has6 || fam == "IPv6"
		c.Subnet = c.Subnet.Masked()
		out = append(out, c)
	}
	if len(errs) > 0 {
		return nil, errdefs.ErrInvalidArgument.WithMessage("invalid network config:\n" + strings.Join(errs, "\n"))
	}
	used := s.usedPrefixes(false)
	for i := range out {
		for _, u := range used {
			if u.Overlaps(out[i].Subnet) {
				return nil, errPoolOverlap
			}
		}
		if !out[i].Gateway.IsValid() {
			out[i].Gateway = out[i].Subnet.Addr().Next()
		}
	}
	if !has4 {
		sub, err := ipam.NextSubnet(s.opt.Pools, s.usedPrefixes(true))
		if err != nil {
			return nil, errdefs.ErrUnavailable.WithMessage(err.Error())
		}
		out = append([]network.IPAMConfig{{Subnet: sub, Gateway: sub.Addr().Next()}}, out...)
	}
	if v6 && !has6 {
		sub := ulaSubnet()
		out = append(out, network.IPAMConfig{Subnet: sub, Gateway: sub.Addr().Next()})
	}
	return out, nil
}

// ulaSubnet is a /64 of a random RFC 4193 unique local prefix, the
// default of dockerd 27+ for an IPv6 network without a subnet.
func ulaSubnet() netip.Prefix {
	var b [16]byte
	rand.Read(b[1:6])
	b[0] = 0xfd
	return netip.PrefixFrom(netip.AddrFrom16(b), 64)
}
