package network

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/network"

	"github.com/skiff-engine/skiff/internal/filters"
	"github.com/skiff-engine/skiff/internal/network/bridge"
)

// RemoveNetwork answers DELETE /networks/{id}.
func (s *Service) RemoveNetwork(ctx context.Context, idOrName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.find(idOrName)
	if err != nil {
		return err
	}
	return s.remove(n)
}

// remove deletes a network without endpoints; call with s.mu held.
func (s *Service) remove(n *netState) error {
	if n.predefined() {
		return errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("%s is a pre-defined network and cannot be removed", n.rec.Name))
	}
	if len(n.eps) > 0 {
		return errdefs.ErrPermissionDenied.WithMessage(fmt.Sprintf("error while removing network: network %s id %s has active endpoints", n.rec.Name, n.rec.ID))
	}
	// the record goes first: a crash after it leaves a bridge without a
	// network, which the next start's rules simply do not mention
	if err := os.Remove(s.path(n.rec.ID)); err != nil && !os.IsNotExist(err) {
		return err
	}
	delete(s.nets, n.rec.ID)
	if n.isBridge() {
		if err := bridge.DeleteLink(s.nl, n.bridge); err != nil {
			s.log.Warn().Err(err).Str("bridge", n.bridge).Msg("deleting the bridge")
		}
		if err := s.applyRules(); err != nil {
			s.log.Warn().Err(err).Msg("network rules")
		}
	}
	if n.isVlan() {
		s.removeParent(n)
	}
	s.publish(n, events.ActionDestroy, nil)
	return nil
}

// PruneNetworks answers POST /networks/prune: custom networks without
// endpoints, created before until, matching the label filters.
func (s *Service) PruneNetworks(ctx context.Context, f filters.Args) (network.PruneReport, error) {
	var until time.Time
	if v := f.Get("until"); len(v) > 0 {
		t, err := filters.ParseTime(v[0], time.Now())
		if err != nil {
			return network.PruneReport{}, errdefs.ErrInvalidArgument.WithMessage(err.Error())
		}
		until = t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rep := network.PruneReport{NetworksDeleted: []string{}}
	for _, n := range s.sorted() {
		if n.predefined() || len(n.eps) > 0 {
			continue
		}
		if !until.IsZero() && !n.rec.Created.Before(until) {
			continue
		}
		if !labelsMatch(f, n.rec.Labels) {
			continue
		}
		if err := s.remove(n); err != nil {
			s.log.Warn().Err(err).Str("network", n.rec.Name).Msg("pruning")
			continue
		}
		rep.NetworksDeleted = append(rep.NetworksDeleted, n.rec.Name)
	}
	return rep, nil
}

// labelsMatch applies label and label! as prune does.
func labelsMatch(f filters.Args, labels map[string]string) bool {
	if f.Contains("label") && !f.MatchKVList("label", labels) {
		return false
	}
	if f.Contains("label!") && f.MatchKVList("label!", labels) {
		return false
	}
	return true
}
