package images

import (
	"context"
	"strconv"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"

	"github.com/skiff-engine/skiff/internal/filters"
)

var pruneFilters = map[string]bool{"dangling": true, "until": true, "label": true, "label!": true}

// Prune answers POST /images/prune: dangling images by default, every
// image no container uses with dangling=false, narrowed by until and label.
func (s *Service) Prune(ctx context.Context, f filters.Args) (*image.PruneReport, error) {
	if err := f.Validate(pruneFilters); err != nil {
		return nil, err
	}
	danglingOnly, err := f.GetBoolOrDefault("dangling", true)
	if err != nil {
		return nil, err
	}
	until, err := untilFilter(f)
	if err != nil {
		return nil, err
	}
	store, all, err := s.allImages(ctx)
	if err != nil {
		return nil, err
	}
	report := &image.PruneReport{ImagesDeleted: []image.DeleteResponse{}}
	for i := range all {
		if err := ctx.Err(); err != nil {
			return report, err
		}
		img := &all[i]
		inf, err := s.info(store, img)
		if err != nil {
			continue
		}
		tags, _ := tagsAndDigests(img)
		if danglingOnly && len(tags) > 0 {
			continue
		}
		if len(s.users(img.ID)) > 0 {
			continue
		}
		created := img.Created
		if inf.config.Created != nil {
			created = *inf.config.Created
		}
		if !until.IsZero() && !created.Before(until) {
			continue
		}
		labels := inf.config.Config.Labels
		if f.Contains("label") && !f.MatchKVList("label", labels) {
			continue
		}
		if f.Contains("label!") && f.MatchKVList("label!", labels) {
			continue
		}
		size := inf.size
		deleted, err := s.Remove(ctx, "sha256:"+img.ID, RemoveOptions{Force: !danglingOnly})
		if err != nil {
			s.log.Warn().Err(err).Str("image", img.ID).Msg("prune: image not removed")
			continue
		}
		report.ImagesDeleted = append(report.ImagesDeleted, deleted...)
		report.SpaceReclaimed += uint64(size)
	}
	s.publish(events.ActionPrune, "", map[string]string{"reclaimed": strconv.FormatUint(report.SpaceReclaimed, 10)})
	return report, nil
}
