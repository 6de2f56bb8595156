package images

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/docker/archive"
	istorage "go.podman.io/image/v5/storage"
)

// Save answers GET /images/get and /images/{name}/get: a docker-archive
// tar of the named images, written to w. A name keeps its tag in the
// archive; an ID saves the image untagged, as docker save does.
func (s *Service) Save(ctx context.Context, names []string, w io.Writer) error {
	store, err := s.Store(ctx)
	if err != nil {
		return err
	}
	type item struct {
		id  string
		tag reference.NamedTagged
	}
	var items []item
	for _, n := range names {
		_, img, err := s.resolve(ctx, n)
		if err != nil {
			return err
		}
		it := item{id: img.ID}
		if !isIDReference(n, img.ID) {
			if named, err := ParseReference(n); err == nil {
				if t, ok := named.(reference.NamedTagged); ok {
					it.tag = t
				}
			}
		}
		items = append(items, it)
	}
	// image/v5 writes archives to a path; the file lives next to storage
	// so a large save never fills a small /tmp.
	tmp, err := os.CreateTemp(filepath.Join(s.opt.DataRoot, "tmp"), "save-*.tar")
	if err != nil {
		return err
	}
	path := tmp.Name()
	tmp.Close()
	defer os.Remove(path)
	writer, err := archive.NewWriter(s.systemContext(), path)
	if err != nil {
		return err
	}
	pc, err := policy()
	if err != nil {
		writer.Close()
		return err
	}
	defer pc.Destroy()
	for _, it := range items {
		dest, err := writer.NewReference(it.tag)
		if err != nil {
			writer.Close()
			return err
		}
		src, err := istorage.Transport.ParseStoreReference(store, "@"+it.id)
		if err != nil {
			writer.Close()
			return err
		}
		if _, err := copy.Image(ctx, pc, dest, src, &copy.Options{SourceCtx: s.systemContext(), DestinationCtx: s.systemContext()}); err != nil {
			writer.Close()
			return fmt.Errorf("saving %s: %w", shortID(it.id), err)
		}
	}
	if err := writer.Close(); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return err
	}
	for _, it := range items {
		s.publish(events.ActionSave, "sha256:"+it.id, map[string]string{"name": "sha256:" + it.id})
	}
	return nil
}
