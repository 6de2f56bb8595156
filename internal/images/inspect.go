package images

import (
	"context"
	"time"

	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/storage"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Inspect answers GET /images/{name}/json.
func (s *Service) Inspect(ctx context.Context, name string) (*image.InspectResponse, error) {
	store, img, err := s.resolve(ctx, name)
	if err != nil {
		return nil, err
	}
	inf, err := s.info(store, img)
	if err != nil {
		return nil, err
	}
	cfg := inf.config
	tags, digests := tagsAndDigests(img)
	resp := &image.InspectResponse{
		ID:           "sha256:" + img.ID,
		RepoTags:     nonNil(tags),
		RepoDigests:  nonNil(digests),
		Comment:      lastComment(cfg.History),
		Author:       cfg.Author,
		Config:       &cfg.Config,
		Architecture: cfg.Architecture,
		Variant:      cfg.Variant,
		Os:           cfg.OS,
		OsVersion:    cfg.OSVersion,
		Size:         inf.size,
		GraphDriver:  &storage.DriverData{Name: s.driver.Name, Data: map[string]string{}},
		RootFS:       image.RootFS{Type: "layers"},
	}
	if cfg.Created != nil {
		resp.Created = cfg.Created.UTC().Format(time.RFC3339Nano)
	}
	for _, d := range cfg.RootFS.DiffIDs {
		resp.RootFS.Layers = append(resp.RootFS.Layers, d.String())
	}
	if t, ok := s.lastTagTime(img.ID); ok {
		resp.Metadata.LastTagTime = t
	}
	return resp, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// lastComment is Docker's Comment: the last history entry's comment.
func lastComment(h []ocispec.History) string {
	if len(h) == 0 {
		return ""
	}
	return h[len(h)-1].Comment
}

// History answers GET /images/{name}/history: newest first, with the
// image ID on the top entry and "<missing>" below it, as Docker shows for
// pulled images whose intermediate images are not local.
func (s *Service) History(ctx context.Context, name string) ([]image.HistoryResponseItem, error) {
	store, img, err := s.resolve(ctx, name)
	if err != nil {
		return nil, err
	}
	inf, err := s.info(store, img)
	if err != nil {
		return nil, err
	}
	sizes := make([]int64, 0, len(inf.layers))
	for _, id := range inf.layers {
		l, err := store.Layer(id)
		if err != nil {
			return nil, err
		}
		sizes = append(sizes, max(l.UncompressedSize, 0))
	}
	tags, _ := tagsAndDigests(img)
	var out []image.HistoryResponseItem
	layer := 0
	for _, h := range inf.config.History {
		item := image.HistoryResponseItem{
			ID:        "<missing>",
			CreatedBy: h.CreatedBy,
			Comment:   h.Comment,
			Tags:      []string{},
		}
		if h.Created != nil {
			item.Created = h.Created.Unix()
		}
		if !h.EmptyLayer && layer < len(sizes) {
			item.Size = sizes[layer]
			layer++
		}
		out = append(out, item)
	}
	if len(out) == 0 { // an image without history: one entry per layer
		for _, sz := range sizes {
			out = append(out, image.HistoryResponseItem{ID: "<missing>", Size: sz, Tags: []string{}})
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if len(out) > 0 {
		out[0].ID = "sha256:" + img.ID
		out[0].Tags = nonNil(tags)
	}
	return out, nil
}
