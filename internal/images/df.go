package images

import (
	"context"

	"github.com/moby/moby/api/types/image"

	"github.com/skiff-engine/skiff/internal/filters"
)

// DiskUsage is the images part of GET /system/df: every image, and the
// size of all layers counted once (images share layers).
func (s *Service) DiskUsage(ctx context.Context) (layersSize int64, list []image.Summary, err error) {
	list, err = s.List(ctx, filters.Args{})
	if err != nil {
		return 0, nil, err
	}
	store, err := s.Store(ctx)
	if err != nil {
		return 0, nil, err
	}
	layers, err := store.Layers()
	if err != nil {
		return 0, nil, err
	}
	for _, l := range layers {
		if l.UncompressedSize > 0 {
			layersSize += l.UncompressedSize
		}
	}
	for i := range list {
		list[i].Containers = int64(len(s.users(list[i].ID[len("sha256:"):])))
		list[i].SharedSize = 0
	}
	return layersSize, list, nil
}
