package images

import "context"

// Descendants resolves name (name[:tag], ID, ID prefix or digest) and
// returns the IDs (hex) of that image and of every local image built on
// it, as dockerd's ps ancestor filter walks the image's children. Storage
// keeps no parent link between images, so an image counts as built on
// another when the other's layer chain is a prefix of its own.
func (s *Service) Descendants(ctx context.Context, name string) ([]string, error) {
	store, base, err := s.resolve(ctx, name)
	if err != nil {
		return nil, err
	}
	baseInf, err := s.info(store, base)
	if err != nil {
		return nil, err
	}
	all, err := store.Images()
	if err != nil {
		return nil, err
	}
	ids := []string{base.ID}
	for i := range all {
		img := &all[i]
		if img.ID == base.ID {
			continue
		}
		inf, err := s.info(store, img)
		if err != nil {
			continue // half-deleted images are no one's children
		}
		if builtOn(baseInf.layers, inf.layers) {
			ids = append(ids, img.ID)
		}
	}
	return ids, nil
}

// builtOn says whether a layer chain (bottom first) extends base's; an
// image without layers is no one's parent.
func builtOn(base, layers []string) bool {
	if len(base) == 0 || len(layers) < len(base) {
		return false
	}
	for i := range base {
		if layers[i] != base[i] {
			return false
		}
	}
	return true
}
