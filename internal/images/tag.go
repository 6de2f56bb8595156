package images

import (
	"context"
	"time"

	"github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
)

// Tag answers POST /images/{name}/tag: the new name moves to this image
// (taking it from any image that had it, as Docker does).
func (s *Service) Tag(ctx context.Context, source, repo, tag string) error {
	store, img, err := s.resolve(ctx, source)
	if err != nil {
		return err
	}
	target := repo
	if tag != "" {
		target += ":" + tag
	}
	named, err := reference.ParseNormalizedNamed(target)
	if err != nil {
		return errdefs.ErrInvalidArgument.WithMessage("invalid reference format: " + invalidReason(target, err))
	}
	if _, ok := named.(reference.Digested); ok {
		return errdefs.ErrInvalidArgument.WithMessage("refusing to create a tag with a digest reference")
	}
	named = reference.TagNameOnly(named)
	s.nameMu.Lock()
	defer s.nameMu.Unlock()
	// AddNames takes the name away from any other image that holds it.
	if err := store.AddNames(img.ID, []string{named.String()}); err != nil {
		return err
	}
	s.tagTime[img.ID] = time.Now().UTC()
	s.publish(events.ActionTag, "sha256:"+img.ID, map[string]string{"name": reference.FamiliarString(named)})
	return nil
}
