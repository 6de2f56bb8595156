package server

import (
	"context"
	"net/http"

	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"

	"github.com/skiff-engine/skiff/api/httputils"
)

// DiskUsageBackend is the images part of GET /system/df; containers,
// volumes and build cache join as those features land.
type DiskUsageBackend interface {
	DiskUsage(ctx context.Context) (layersSize int64, images []image.Summary, err error)
}

// legacyDiskUsage is the /system/df shape before API 1.52, which docker
// CLI 28 reads.
type legacyDiskUsage struct {
	LayersSize int64
	Images     []image.Summary
	Containers []any
	Volumes    []any
	BuildCache []any
}

func (s *Server) registerDiskUsageRoute() {
	b, ok := s.opts.Images.(DiskUsageBackend)
	if !ok {
		return
	}
	s.Handle("GET /system/df", func(w http.ResponseWriter, r *http.Request) error {
		size, imgs, err := b.DiskUsage(r.Context())
		if err != nil {
			return err
		}
		if httputils.VersionLessThan(httputils.VersionFromContext(r.Context()), "1.52") {
			return httputils.WriteJSON(w, http.StatusOK, legacyDiskUsage{
				LayersSize: size, Images: imgs, Containers: []any{}, Volumes: []any{}, BuildCache: []any{},
			})
		}
		usage := &image.DiskUsage{TotalCount: int64(len(imgs)), TotalSize: size}
		for _, im := range imgs {
			if im.Containers > 0 {
				usage.ActiveCount++
			} else {
				usage.Reclaimable += im.Size
			}
		}
		if formBool(r.URL.Query(), "verbose") {
			usage.Items = imgs
		}
		return httputils.WriteJSON(w, http.StatusOK, system.DiskUsage{ImageUsage: usage})
	})
}
