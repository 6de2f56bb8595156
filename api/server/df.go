package server

import (
	"context"
	"net/http"

	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/api/types/volume"

	"github.com/skiff-engine/skiff/api/httputils"
)

// DiskUsageBackend is the images part of GET /system/df; containers,
// volumes and build cache join as those features land.
type DiskUsageBackend interface {
	DiskUsage(ctx context.Context) (layersSize int64, images []image.Summary, err error)
}

// VolumeUsageBackend is the volumes part of GET /system/df: the local
// volumes with UsageData (Size, RefCount) filled in.
type VolumeUsageBackend interface {
	DiskUsage(ctx context.Context) ([]*volume.Volume, error)
}

// legacyDiskUsage is the /system/df shape before API 1.52, which docker
// CLI 28 reads.
type legacyDiskUsage struct {
	LayersSize int64
	Images     []image.Summary
	Containers []any
	Volumes    []*volume.Volume
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
		vols := []*volume.Volume{}
		if vb, ok := s.opts.Volumes.(VolumeUsageBackend); ok {
			if vols, err = vb.DiskUsage(r.Context()); err != nil {
				return err
			}
		}
		if httputils.VersionLessThan(httputils.VersionFromContext(r.Context()), "1.52") {
			return httputils.WriteJSON(w, http.StatusOK, legacyDiskUsage{
				LayersSize: size, Images: imgs, Containers: []any{}, Volumes: vols, BuildCache: []any{},
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
		return httputils.WriteJSON(w, http.StatusOK, system.DiskUsage{ImageUsage: usage, VolumeUsage: volumeUsage(vols, formBool(r.URL.Query(), "verbose"))})
	})
}

// volumeUsage sums the volumes as dockerd does: a size of -1 (unknown)
// counts nowhere; unused volumes are reclaimable.
func volumeUsage(vols []*volume.Volume, verbose bool) *volume.DiskUsage {
	u := &volume.DiskUsage{TotalCount: int64(len(vols))}
	for _, v := range vols {
		if v.UsageData == nil {
			continue
		}
		if v.UsageData.RefCount > 0 {
			u.ActiveCount++
		}
		if v.UsageData.Size < 0 {
			continue
		}
		u.TotalSize += v.UsageData.Size
		if v.UsageData.RefCount == 0 {
			u.Reclaimable += v.UsageData.Size
		}
	}
	if verbose {
		for _, v := range vols {
			u.Items = append(u.Items, *v)
		}
	}
	return u
}
