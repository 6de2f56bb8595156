package containers

import (
	"context"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"

	"github.com/skiff-engine/skiff/internal/filters"
)

var pruneFilters = map[string]bool{"until": true, "label": true, "label!": true}

// Prune removes stopped containers created before until and matching the
// label filters.
func (s *Service) Prune(ctx context.Context, f filters.Args) (container.PruneReport, error) {
	report := container.PruneReport{ContainersDeleted: []string{}}
	if err := f.Validate(pruneFilters); err != nil {
		return report, err
	}
	var until time.Time
	for _, v := range f.Get("until") {
		t, err := filters.ParseTime(v, time.Now())
		if err != nil {
			return report, err
		}
		until = t
	}
	store, err := s.opt.Images.Store(ctx)
	if err != nil {
		return report, err
	}
	for _, c := range s.all() {
		if ctx.Err() != nil {
			return report, ctx.Err()
		}
		c.mu.Lock()
		rec := c.rec
		c.mu.Unlock()
		if rec.State.Running || !until.IsZero() && !rec.Created.Before(until) {
			continue
		}
		// dockerd's matchLabels: label! excludes what matches all its values.
		if !f.MatchKVList("label", rec.Config.Labels) ||
			f.Contains("label!") && f.MatchKVList("label!", rec.Config.Labels) {
			continue
		}
		size, _ := store.ContainerSize(rec.ID)
		c.opMu.Lock()
		err := s.remove(c, false)
		c.opMu.Unlock()
		if err != nil {
			continue
		}
		report.ContainersDeleted = append(report.ContainersDeleted, rec.ID)
		if size > 0 {
			report.SpaceReclaimed += uint64(size)
		}
	}
	if s.opt.Events != nil {
		s.opt.Events.Publish(events.Message{Type: events.ContainerEventType, Action: events.ActionPrune,
			Actor: events.Actor{Attributes: map[string]string{"reclaimed": strconv.FormatUint(report.SpaceReclaimed, 10)}}})
	}
	return report, nil
}
