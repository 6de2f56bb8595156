package images

import (
	"context"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
)

// LocalImage is what the container service needs of a local image.
type LocalImage struct {
	ID     string // storage image ID (hex, no "sha256:")
	Config dockerspec.DockerOCIImage
}

// Lookup finds a local image by name or ID (as Inspect does) and returns
// its ID and config; unknown images are Docker's 404 "No such image".
func (s *Service) Lookup(ctx context.Context, name string) (*LocalImage, error) {
	store, img, err := s.resolve(ctx, name)
	if err != nil {
		return nil, err
	}
	inf, err := s.info(store, img)
	if err != nil {
		return nil, err
	}
	return &LocalImage{ID: img.ID, Config: inf.config}, nil
}
