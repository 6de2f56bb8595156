package images

import "context"

// eventAttributes are an image event's attributes as dockerd sends them:
// the image's labels (while it still exists: not for delete), then attrs.
func (s *Service) eventAttributes(id string, attrs map[string]string) map[string]string {
	out := map[string]string{}
	if id != "" {
		if store, img, err := s.resolve(context.Background(), id); err == nil {
			if inf, err := s.info(store, img); err == nil && inf.config.Config.Labels != nil {
				for k, v := range inf.config.Config.Labels {
					out[k] = v
				}
			}
		}
	}
	for k, v := range attrs {
		out[k] = v
	}
	return out
}
