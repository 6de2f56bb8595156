package containers

import (
	"context"
	"strconv"

	"github.com/moby/moby/api/types/events"
)

// Resize sets the size of a running container's tty (POST
// /containers/{id}/resize). A container without a tty accepts it and
// nothing changes, as with containerd; a stopped one is dockerd's 409.
func (s *Service) Resize(ctx context.Context, idOrName string, height, width uint16) error {
	c, err := s.get(idOrName)
	if err != nil {
		return err
	}
	c.mu.Lock()
	t, running := c.task, c.rec.State.Running
	id := c.rec.ID
	c.mu.Unlock()
	if !running || t == nil {
		return errNotRunning(id)
	}
	if err := t.Resize(width, height); err != nil {
		return err
	}
	s.publish(c, events.ActionResize, map[string]string{
		"height": strconv.Itoa(int(height)),
		"width":  strconv.Itoa(int(width)),
	})
	return nil
}
