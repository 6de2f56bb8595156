package volumes

import (
	"context"
	"strconv"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
)

// MountInfo describes how a container mounts a volume, for the mount
// event's attributes (dockerd's destination, read/write, propagation).
type MountInfo struct {
	Destination string
	ReadWrite   bool
	Propagation string
}

// Mount makes the volume ready for the container ref and returns the host
// path to bind into it. Each Mount needs one Unmount; a tmpfs or bind
// volume is mounted on the first and unmounted after the last.
func (s *Service) Mount(ctx context.Context, name, ref string) (string, error) {
	return s.MountFor(ctx, name, ref, MountInfo{ReadWrite: true})
}

// MountFor is Mount with the mount's details for the event.
func (s *Service) MountFor(ctx context.Context, name, ref string, mi MountInfo) (string, error) {
	unlock := s.locks.lock(name)
	defer unlock()
	v := s.lookup(name)
	if v == nil {
		return "", errNoSuchVolume(name)
	}
	var path string
	if v.Driver == LocalDriver {
		path = s.dataPath(name)
		s.mu.Lock()
		mounted := v.mounted
		s.mu.Unlock()
		if needsMount(v.Options) && !mounted {
			if err := mountLocal(v.Options, path); err != nil {
				return "", opErr("mount", name, errdefs.ErrInternal.WithMessage(err.Error()))
			}
			s.mu.Lock()
			v.mounted = true
			s.mu.Unlock()
		}
	} else {
		c, err := s.plugins.get(ctx, v.Driver)
		if err != nil {
			return "", opErr("mount", name, err)
		}
		if path, err = c.Mount(ctx, name, ref); err != nil {
			s.plugins.forget(v.Driver, err)
			return "", opErr("mount", name, err)
		}
		s.mu.Lock()
		v.mountpoint = path
		s.mu.Unlock()
	}
	s.mu.Lock()
	v.refs[ref]++
	s.mu.Unlock()
	s.publish(name, events.ActionMount, map[string]string{
		"driver": v.Driver, "container": ref, "destination": mi.Destination,
		"read/write": strconv.FormatBool(mi.ReadWrite), "propagation": mi.Propagation,
	})
	return path, nil
}

// Unmount undoes one Mount by ref. An unknown volume or ref is no error:
// exit handling may run twice.
func (s *Service) Unmount(ctx context.Context, name, ref string) error {
	unlock := s.locks.lock(name)
	defer unlock()
	v := s.lookup(name)
	if v == nil {
		return nil
	}
	s.mu.Lock()
	n, had := v.refs[ref]
	switch {
	case n > 1:
		v.refs[ref] = n - 1
	case had:
		delete(v.refs, ref)
	}
	last := len(v.refs) == 0
	mounted := v.mounted
	s.mu.Unlock()
	if !had {
		return nil
	}
	if v.Driver == LocalDriver {
		if last && mounted {
			if err := unmountLocal(s.dataPath(name)); err != nil {
				return opErr("unmount", name, err)
			}
			s.mu.Lock()
			v.mounted = false
			s.mu.Unlock()
		}
	} else {
		c, err := s.plugins.get(ctx, v.Driver)
		if err == nil {
			err = c.Unmount(ctx, name, ref)
			s.plugins.forget(v.Driver, err)
		}
		if err != nil {
			return opErr("unmount", name, err)
		}
	}
	s.publish(name, events.ActionUnmount, map[string]string{"driver": v.Driver, "container": ref})
	return nil
}
