package images

import (
	"context"
	"sort"
	"time"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/image"
	"go.podman.io/storage"

	"github.com/skiff-engine/skiff/internal/filters"
)

var listFilters = map[string]bool{"dangling": true, "label": true, "reference": true, "before": true, "since": true, "until": true}

// List answers GET /images/json.
func (s *Service) List(ctx context.Context, f filters.Args) ([]image.Summary, error) {
	if err := f.Validate(listFilters); err != nil {
		return nil, err
	}
	store, all, err := s.allImages(ctx)
	if err != nil {
		return nil, err
	}
	before, err := s.boundary(ctx, f, "before")
	if err != nil {
		return nil, err
	}
	since, err := s.boundary(ctx, f, "since")
	if err != nil {
		return nil, err
	}
	until, err := untilFilter(f)
	if err != nil {
		return nil, err
	}
	danglingOnly, err := f.GetBoolOrDefault("dangling", false)
	if err != nil {
		return nil, err
	}
	out := make([]image.Summary, 0, len(all))
	for i := range all {
		img := &all[i]
		inf, err := s.info(store, img)
		if err != nil {
			s.log.Warn().Err(err).Str("image", img.ID).Msg("skipping an unreadable image")
			continue
		}
		tags, digests := tagsAndDigests(img)
		if f.Contains("dangling") && danglingOnly != (len(tags) == 0) {
			continue
		}
		if !f.MatchKVList("label", inf.config.Config.Labels) {
			continue
		}
		created := img.Created
		if inf.config.Created != nil {
			created = *inf.config.Created
		}
		if !before.IsZero() && !created.Before(before) {
			continue
		}
		if !since.IsZero() && !created.After(since) {
			continue
		}
		if !until.IsZero() && created.After(until) {
			continue
		}
		if f.Contains("reference") {
			tags = matchReference(f.Get("reference"), tags)
			if len(tags) == 0 {
				continue
			}
		}
		out = append(out, image.Summary{
			ID:          "sha256:" + img.ID,
			RepoTags:    nonNil(tags),
			RepoDigests: nonNil(digests),
			Created:     created.Unix(),
			Size:        inf.size,
			SharedSize:  -1,
			Containers:  -1,
			Labels:      nonNilMap(inf.config.Config.Labels),
		})
	}
	// Newest first, as Docker lists them.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created > out[j].Created })
	return out, nil
}

// boundary resolves a before/since filter (an image reference) to the
// creation time of that image.
func (s *Service) boundary(ctx context.Context, f filters.Args, key string) (time.Time, error) {
	vals := f.Get(key)
	if len(vals) == 0 {
		return time.Time{}, nil
	}
	store, img, err := s.resolve(ctx, vals[0])
	if err != nil {
		return time.Time{}, err
	}
	inf, err := s.info(store, img)
	if err != nil {
		return time.Time{}, err
	}
	if inf.config.Created != nil {
		return *inf.config.Created, nil
	}
	return img.Created, nil
}

// matchReference keeps the tags that match any of the reference filter's
// patterns (path.Match on the familiar name, with or without the tag).
func matchReference(patterns, tags []string) []string {
	var keep []string
	for _, t := range tags {
		named, err := reference.ParseNormalizedNamed(t)
		if err != nil {
			continue
		}
		for _, p := range patterns {
			if ok, _ := reference.FamiliarMatch(p, named); ok {
				keep = append(keep, t)
				break
			}
		}
	}
	return keep
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// untilFilter reads the until filter; zero when absent.
func untilFilter(f filters.Args) (time.Time, error) {
	vals := f.Get("until")
	if len(vals) == 0 {
		return time.Time{}, nil
	}
	return filters.ParseTime(vals[0], time.Now())
}

// allImages waits for storage and lists every image in it.
func (s *Service) allImages(ctx context.Context) (storage.Store, []storage.Image, error) {
	store, err := s.Store(ctx)
	if err != nil {
		return nil, nil, err
	}
	all, err := store.Images()
	return store, all, err
}
