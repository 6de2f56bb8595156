package containers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"go.podman.io/storage"

	"github.com/skiff-engine/skiff/api/server"
)

// Remove deletes a container: running ones only with force (killed
// first). Volumes (opts.RemoveVolumes) do not exist yet.
func (s *Service) Remove(ctx context.Context, idOrName string, opts server.RemoveOptions) error {
	c, err := s.get(idOrName)
	if err != nil {
		return err
	}
	if opts.RemoveLink {
		return errdefs.ErrInvalidArgument.WithMessage("links are not supported")
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	return s.removeContainer(c, opts.Force, opts.RemoveVolumes)
}

// remove deletes the record first, then the storage container and the
// directory: a crash in between leaves debris the reconcile clears, never
// a record without its filesystem. Call with c.opMu held.
func (s *Service) remove(c *ctr, force bool) error {
	// An AutoRemove container (its exit, a failed start) takes its
	// anonymous volumes with it, as dockerd's auto-remove does.
	c.mu.Lock()
	auto := c.rec.HostConfig.AutoRemove
	c.mu.Unlock()
	return s.removeContainer(c, force, auto)
}

// removeContainer is remove; volumes removes the container's anonymous
// volumes too (rm -v).
func (s *Service) removeContainer(c *ctr, force, volumes bool) error {
	if force {
		s.cancelRestart(c)
	}
	c.mu.Lock()
	if c.removed {
		c.mu.Unlock()
		return nil
	}
	if c.removing {
		c.mu.Unlock()
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("removal of container %s is already in progress", c.rec.ID))
	}
	st := c.rec.State
	name, id := c.rec.Name, c.rec.ID
	mps := mountsOf(&c.rec)
	if st.Running && !force {
		c.mu.Unlock()
		if st.Paused {
			return errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot remove container %q: container is paused and must be unpaused first", name))
		}
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("cannot remove container %q: container is %s: stop the container before removing or force remove", name, status(&st, false)))
	}
	c.removing = true
	t, exited := c.task, c.exitCh
	c.mu.Unlock()
	undo := func() {
		c.mu.Lock()
		c.removing = false
		c.mu.Unlock()
	}
	if st.Running && t != nil {
		if err := s.killAndWait(c, t, exited); err != nil {
			undo()
			return fmt.Errorf("could not kill running container %s, cannot remove: %w", id, err)
		}
	}
	if err := os.Remove(filepath.Join(s.dir(id), recordFile)); err != nil && !os.IsNotExist(err) {
		undo()
		return err
	}
	if err := s.deleteStorage(id); err != nil {
		// The record is gone: the reconcile deletes the storage container
		// at the next start.
		s.log.Warn().Err(err).Str("container", id).Msg("deleting the container's filesystem")
	}
	if err := os.RemoveAll(s.dir(id)); err != nil {
		s.log.Warn().Err(err).Str("container", id).Msg("removing the container's directory")
	}
	s.mu.Lock()
	delete(s.byID, id)
	if s.names[name] == id {
		delete(s.names, name)
	}
	s.mu.Unlock()
	c.mu.Lock()
	c.removed = true
	c.removing = false
	close(c.removedCh)
	c.mu.Unlock()
	if volumes {
		s.removeAnonymousVolumes(id, mps)
	}
	s.publish(c, events.ActionDestroy, nil)
	return nil
}

// deleteStorage deletes a storage container, unmounting it first if a
// crash left it mounted.
func (s *Service) deleteStorage(id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store, err := s.opt.Images.Store(ctx)
	if err != nil {
		return err
	}
	err = store.DeleteContainer(id)
	if errors.Is(err, storage.ErrContainerUnknown) {
		return nil
	}
	if err != nil {
		// Still mounted (an engine crash between exit and unmount).
		if _, uerr := store.Unmount(id, true); uerr == nil {
			err = store.DeleteContainer(id)
		}
	}
	return err
}
