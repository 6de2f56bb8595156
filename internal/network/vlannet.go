package network

import (
	"fmt"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"

	"github.com/skiff-engine/skiff/internal/network/bridge"
	"github.com/skiff-engine/skiff/internal/network/netns"
	"github.com/skiff-engine/skiff/internal/network/vlan"
)

// isVlan networks put containers straight on a host interface.
func (n *netState) isVlan() bool {
	return n.rec.Driver == vlan.Macvlan || n.rec.Driver == vlan.Ipvlan
}

// vlanParent is the network's parent: -o parent, else its dummy.
func vlanParent(rec network.Network) string {
	if p := rec.Options[vlan.OptParent]; p != "" {
		return p
	}
	return vlan.DummyName(rec.ID)
}

// noGateway: containers get no default route (--internal, or a network
// on a dummy parent, which dockerd makes internal).
func (n *netState) noGateway() bool {
	return n.rec.Internal || (n.isVlan() && n.rec.Options[vlan.OptParent] == "")
}

// checkVlan validates a new macvlan or ipvlan network and makes its
// parent when it is a VLAN subinterface or a dummy; call with s.mu held.
func (s *Service) checkVlan(n *netState) error {
	if err := vlan.CheckOptions(n.rec.Driver, n.rec.Options); err != nil {
		return err
	}
	for _, o := range s.nets {
		if o.isVlan() && o.parent == n.parent {
			return errdefs.ErrConflict.WithMessage(fmt.Sprintf("network %s is already using parent interface %s", o.rec.Name, n.parent))
		}
	}
	if err := s.ensureParent(n); err != nil {
		return err
	}
	if err := vlan.Probe(s.nl, n.rec.Driver, n.parent, n.rec.ID); err != nil {
		s.removeParent(n)
		return err
	}
	return nil
}

// ensureParent makes a missing parent that skiff may make (at create,
// and at start: VLAN links and dummies do not survive a reboot).
func (s *Service) ensureParent(n *netState) error {
	created, err := vlan.EnsureParent(s.nl, n.parent, n.rec.Options[vlan.OptParent] == "")
	n.ownParent = n.ownParent || created
	return err
}

// removeParent deletes the parent of a removed network when skiff made
// it: a dummy always, a VLAN subinterface when made in this engine's life.
func (s *Service) removeParent(n *netState) {
	if !n.ownParent && n.rec.Options[vlan.OptParent] != "" {
		return
	}
	if err := vlan.RemoveParent(s.nl, n.parent); err != nil {
		s.log.Warn().Err(err).Str("link", n.parent).Msg("deleting a network's parent link")
	}
}

// plumbVlan makes the container's macvlan or ipvlan link.
func (s *Service) plumbVlan(n *netState, ep *endpoint, pid int) error {
	ns, err := netns.OfPid(pid)
	if err != nil {
		return fmt.Errorf("the container's network namespace: %w", err)
	}
	defer ns.Close()
	in := bridge.Endpoint{IfName: ep.IfName, Addr: ep.Addr, Addr6: ep.Addr6, MAC: ep.MAC, MTU: n.mtu}
	if !n.noGateway() {
		in.Gateway, in.Gateway6 = n.gw4.Addr(), n.gw6.Addr()
	}
	if err := vlan.Attach(s.nl, ns, vlan.Endpoint{Driver: n.rec.Driver, Parent: n.parent, Options: n.rec.Options, Inner: in}); err != nil {
		return fmt.Errorf("connecting to network %s: %w", n.rec.Name, err)
	}
	return nil
}

// detachInner deletes an endpoint's interface inside the container (a
// macvlan or ipvlan link has no outer end to delete).
func detachInner(ep *endpoint) error {
	if ep.Pid <= 0 {
		return nil
	}
	ns, err := netns.OfPid(ep.Pid)
	if err != nil {
		return nil // the container is gone, and its links with it
	}
	defer ns.Close()
	h, err := bridge.Handle(ns)
	if err != nil {
		return err
	}
	defer h.Close()
	return bridge.DeleteLink(h, ep.IfName)
}
