package volumes

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/volume"

	"github.com/skiff-engine/skiff/internal/filters"
)

// pruneFilters are the keys POST /volumes/prune accepts.
var pruneFilters = map[string]bool{"label": true, "label!": true, "all": true}

// Prune removes unused local volumes without driver options: anonymous
// ones only, unless f holds all=true; label and label! narrow it further.
func (s *Service) Prune(ctx context.Context, f filters.Args) (volume.PruneReport, error) {
	rep := volume.PruneReport{VolumesDeleted: []string{}}
	if !s.pruning.CompareAndSwap(false, true) {
		return rep, errdefs.ErrConflict.WithMessage("a prune operation is already running")
	}
	defer s.pruning.Store(false)
	if err := f.Validate(pruneFilters); err != nil {
		return rep, err
	}
	all, err := pruneAll(f)
	if err != nil {
		return rep, err
	}
	s.mu.Lock()
	var candidates []*vol
	for _, v := range s.vols {
		candidates = append(candidates, v)
	}
	s.mu.Unlock()
	users := s.userIndex()
	for _, v := range candidates {
		if err := ctx.Err(); err != nil {
			break
		}
		if v.Driver != LocalDriver || len(v.Options) > 0 {
			continue
		}
		if _, anon := v.Labels[AnonymousLabel]; !all && !anon {
			continue
		}
		if !f.MatchKVList("label", v.Labels) || (f.Contains("label!") && f.MatchKVList("label!", v.Labels)) {
			continue
		}
		if len(s.inUse(v, users)) > 0 {
			continue
		}
		size, freed := s.pruneOne(ctx, v)
		if freed {
			rep.VolumesDeleted = append(rep.VolumesDeleted, v.Name)
			if size > 0 {
				rep.SpaceReclaimed += uint64(size)
			}
		}
	}
	s.publish("", events.ActionPrune, map[string]string{"reclaimed": strconv.FormatUint(rep.SpaceReclaimed, 10)})
	return rep, nil
}

// pruneOne removes v if it is still there and unused once locked (a
// fresh look at the containers: one may have taken it since Prune's).
func (s *Service) pruneOne(ctx context.Context, v *vol) (int64, bool) {
	unlock := s.locks.lock(v.Name)
	defer unlock()
	if s.lookup(v.Name) != v || len(s.inUse(v, s.userIndex())) > 0 {
		return 0, false
	}
	size, _ := dirSize(ctx, s.dataPath(v.Name))
	if err := s.removeLocked(ctx, v, false); err != nil {
		s.log.Warn().Err(err).Str("volume", v.Name).Msg("could not remove volume")
		return 0, false
	}
	return size, true
}

// pruneAll reads the all filter as dockerd does.
func pruneAll(f filters.Args) (bool, error) {
	vals := f.Get("all")
	switch {
	case len(vals) > 1:
		return false, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'all=[%s]': only one value is expected", strings.Join(vals, " ")))
	case len(vals) == 1:
		ok, err := strconv.ParseBool(vals[0])
		if err != nil {
			return false, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid filter 'all': %v", err))
		}
		return ok, nil
	}
	return false, nil
}
