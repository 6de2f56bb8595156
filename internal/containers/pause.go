package containers

import (
	"context"
	"fmt"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"

	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
)

// errNoFreezer is the answer when a container has no cgroup to freeze.
var errNoFreezer = errdefs.ErrConflict.WithMessage("cannot pause: the cgroup freezer is not available (rootless without cgroup v2 delegation)")

// Pause freezes every process of the container.
func (s *Service) Pause(ctx context.Context, idOrName string) error {
	return s.freeze(idOrName, true)
}

// Unpause thaws a paused container.
func (s *Service) Unpause(ctx context.Context, idOrName string) error {
	return s.freeze(idOrName, false)
}

func (s *Service) freeze(idOrName string, frozen bool) error {
	c, err := s.get(idOrName)
	if err != nil {
		return err
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	c.mu.Lock()
	st, id, cg := c.rec.State, c.rec.ID, c.rec.CgroupPath
	c.mu.Unlock()
	switch {
	case !st.Running:
		return errNotRunning(id)
	case frozen && st.Paused:
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("container %s is already paused", id))
	case !frozen && !st.Paused:
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is not paused", id))
	case cg == "":
		if !frozen {
			return errdefs.ErrConflict.WithMessage(fmt.Sprintf("Container %s is not paused", id))
		}
		return errNoFreezer
	}
	if err := cgroups.Freeze(cg, frozen); err != nil {
		return fmt.Errorf("pausing container %s: %w", id, err)
	}
	s.setPaused(c, frozen)
	if frozen {
		s.publish(c, events.ActionPause, nil)
	} else {
		s.publish(c, events.ActionUnPause, nil)
	}
	return nil
}

// setPaused records the paused flag.
func (s *Service) setPaused(c *ctr, paused bool) {
	c.mu.Lock()
	c.rec.State.Paused = paused
	c.mu.Unlock()
	s.save(c, false)
}
