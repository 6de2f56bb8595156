package containers

import (
	"context"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
)

// Rename gives a container a new name.
func (s *Service) Rename(ctx context.Context, idOrName, newName string) error {
	if idOrName == "" || newName == "" {
		return errdefs.ErrInvalidArgument.WithMessage("Neither old nor new names may be empty")
	}
	c, err := s.get(idOrName)
	if err != nil {
		return err
	}
	name, err := checkName(newName)
	if err != nil {
		return err
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	c.mu.Lock()
	old, id := c.rec.Name, c.rec.ID
	c.mu.Unlock()
	if old == name {
		return errdefs.ErrInvalidArgument.WithMessage("Renaming a container with the same name as its current name")
	}
	if err := s.reserveName(name, id); err != nil {
		return err
	}
	c.mu.Lock()
	c.rec.Name = name
	c.mu.Unlock()
	if err := s.save(c, true); err != nil {
		c.mu.Lock()
		c.rec.Name = old
		c.mu.Unlock()
		s.releaseName(name, id)
		return err
	}
	s.releaseName(old, id)
	s.publish(c, events.ActionRename, map[string]string{"oldName": old})
	return nil
}
