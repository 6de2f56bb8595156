package images

import "go.podman.io/storage"

// removeOrphanLayers deletes layers that no image or container uses: what
// an interrupted pull, load or import (a cancelled request, a SIGKILLed
// engine) committed before its image was. It runs once when storage opens,
// before any request can start a new pull.
func (s *Service) removeOrphanLayers(store storage.Store) {
	layers, err := store.Layers()
	if err != nil {
		s.log.Warn().Err(err).Msg("listing layers for cleanup")
		return
	}
	parent := map[string]string{}
	for _, l := range layers {
		parent[l.ID] = l.Parent
	}
	used := map[string]bool{}
	mark := func(id string) {
		for id != "" && !used[id] {
			used[id] = true
			id = parent[id]
		}
	}
	images, err := store.Images()
	if err != nil {
		return
	}
	for _, img := range images {
		mark(img.TopLayer)
		for _, l := range img.MappedTopLayers {
			mark(l)
		}
	}
	containers, err := store.Containers()
	if err != nil {
		return
	}
	for _, c := range containers {
		mark(c.LayerID)
	}
	// Children before parents: a layer with children cannot be deleted.
	for removed := true; removed; {
		removed = false
		hasChild := map[string]bool{}
		for _, l := range layers {
			hasChild[parent[l.ID]] = true
		}
		var keep []storage.Layer
		for _, l := range layers {
			if used[l.ID] || hasChild[l.ID] {
				keep = append(keep, l)
				continue
			}
			if err := store.DeleteLayer(l.ID); err != nil {
				s.log.Warn().Err(err).Str("layer", l.ID).Msg("removing an orphaned layer")
				keep = append(keep, l)
				continue
			}
			s.log.Info().Str("layer", l.ID).Msg("removed a layer left by an interrupted pull or load")
			delete(parent, l.ID)
			removed = true
		}
		layers = keep
	}
}
