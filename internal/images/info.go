package images

import (
	"encoding/json"
	"fmt"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"go.podman.io/storage"
)

// imageInfo is what Docker's list and inspect need beyond storage's
// record: the parsed config and the layer chain's size. Both are immutable
// for an image ID, so they are cached.
type imageInfo struct {
	config dockerspec.DockerOCIImage
	size   int64
	layers []string // storage layer IDs, bottom first
}

// info returns the cached config and size of img.
func (s *Service) info(store storage.Store, img *storage.Image) (*imageInfo, error) {
	s.cacheMu.Lock()
	inf, ok := s.cache[img.ID]
	s.cacheMu.Unlock()
	if ok {
		return inf, nil
	}
	raw, err := store.ImageBigData(img.ID, "sha256:"+img.ID)
	if err != nil {
		return nil, fmt.Errorf("reading the config of image %s: %w", img.ID, err)
	}
	inf = &imageInfo{}
	if err := json.Unmarshal(raw, &inf.config); err != nil {
		return nil, fmt.Errorf("parsing the config of image %s: %w", img.ID, err)
	}
	for id := img.TopLayer; id != ""; {
		l, err := store.Layer(id)
		if err != nil {
			return nil, fmt.Errorf("layer %s of image %s: %w", id, img.ID, err)
		}
		if l.UncompressedSize > 0 {
			inf.size += l.UncompressedSize
		}
		inf.layers = append([]string{id}, inf.layers...)
		id = l.Parent
	}
	s.cacheMu.Lock()
	s.cache[img.ID] = inf
	s.cacheMu.Unlock()
	return inf, nil
}

// forget drops a deleted image from the cache.
func (s *Service) forget(id string) {
	s.cacheMu.Lock()
	delete(s.cache, id)
	s.cacheMu.Unlock()
}
