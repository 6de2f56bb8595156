package containers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/containerd/errdefs"
	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/moby/api/types/mount"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/skiff-engine/skiff/internal/volumes"
)

// setupMounts readies a container's mounts for a start and returns them
// as OCI mounts: a missing -v bind source is made, each volume mounted
// (refcounted by the container's ID) and, when it is empty and asked to,
// filled with what the image has at its destination (dockerd's
// populateVolumes). On error nothing stays mounted.
func (s *Service) setupMounts(ctx context.Context, rec *record, rootfs string) (out []specs.Mount, err error) {
	mps := mountsOf(rec)
	var mounted []string
	defer func() {
		if err != nil {
			s.unmountVolumes(rec.ID, mounted)
		}
	}()
	for _, m := range mps {
		switch m.Type {
		case mount.TypeBind:
			if err := ensureBindSource(m); err != nil {
				return nil, err
			}
			out = append(out, specMount(m, m.Source))
		case mount.TypeVolume:
			if s.opt.Volumes == nil {
				return nil, errdefs.ErrNotImplemented.WithMessage("volumes are not available in this engine")
			}
			p, err := s.mountVolume(ctx, m, rec.ID)
			if err != nil {
				return nil, err
			}
			mounted = append(mounted, m.Name)
			if m.CopyData {
				if err := copyUp(rootfs, m.Destination, p); err != nil {
					return nil, fmt.Errorf("failed to populate volume %s: %w", m.Name, err)
				}
			}
			if m.Subpath != "" {
				if p, err = subpath(p, m.Subpath); err != nil {
					return nil, err
				}
			}
			out = append(out, specMount(m, p))
		case mount.TypeTmpfs:
			out = append(out, specMount(m, ""))
		}
	}
	return out, nil
}

// mountForer is the volume service's MountFor: with it the mount event
// carries the destination and mode, as dockerd's.
type mountForer interface {
	MountFor(ctx context.Context, name, ref string, mi volumes.MountInfo) (string, error)
}

func (s *Service) mountVolume(ctx context.Context, m mountPoint, id string) (string, error) {
	if mf, ok := s.opt.Volumes.(mountForer); ok {
		return mf.MountFor(ctx, m.Name, id, volumes.MountInfo{Destination: m.Destination, ReadWrite: m.RW, Propagation: string(m.Propagation)})
	}
	return s.opt.Volumes.Mount(ctx, m.Name, id)
}

// unmountVolumes drops the container's mounts of the named volumes.
func (s *Service) unmountVolumes(id string, names []string) {
	if s.opt.Volumes == nil {
		return
	}
	ctx := context.Background()
	for _, n := range names {
		if err := s.opt.Volumes.Unmount(ctx, n, id); err != nil {
			s.log.Warn().Err(err).Str("container", id).Str("volume", n).Msg("unmounting a volume")
		}
	}
}

// restoreVolumes gives the volume service back the mounts of a container
// that kept running through an engine restart, as dockerd's
// prepareMountPoints does for live containers: the refcounts are what
// unmount a tmpfs or bind volume after its last user exits, and what keep
// another container's exit from unmounting one this container uses. The
// volume itself is still mounted (the service saw it at load).
func (s *Service) restoreVolumes(c *ctr) {
	if s.opt.Volumes == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, m := range mountsOf(&c.rec) {
		if m.Type != mount.TypeVolume {
			continue
		}
		if _, err := s.mountVolume(ctx, m, c.rec.ID); err != nil {
			s.log.Warn().Err(err).Str("container", c.rec.ID).Str("volume", m.Name).Msg("restoring the running container's volume mount")
		}
	}
}

// mountVolumesFor mounts a container's volumes for file access (cp,
// stat), running or not, as dockerd's mountVolumes: a tmpfs, bind or
// plugin volume otherwise has its content mounted only while a container
// runs. It returns mps with each volume's Source the path the service
// gave, and the release. Each use mounts under a ref of its own.
func (s *Service) mountVolumesFor(ctx context.Context, mps []mountPoint) ([]mountPoint, func(), error) {
	if s.opt.Volumes == nil {
		return mps, func() {}, nil
	}
	ref := newID()
	out := slices.Clone(mps)
	var mounted []string
	release := func() { s.unmountVolumes(ref, mounted) }
	for i := range out {
		m := &out[i]
		if m.Type != mount.TypeVolume {
			continue
		}
		p, err := s.opt.Volumes.Mount(ctx, m.Name, ref)
		if err != nil {
			release()
			return nil, nil, err
		}
		mounted = append(mounted, m.Name)
		m.Source = p
	}
	return out, release, nil
}

// releaseVolumes unmounts every volume of an exited container.
func (s *Service) releaseVolumes(c *ctr) {
	c.mu.Lock()
	id := c.rec.ID
	var names []string
	for _, m := range mountsOf(&c.rec) {
		if m.Type == mount.TypeVolume {
			names = append(names, m.Name)
		}
	}
	c.mu.Unlock()
	s.unmountVolumes(id, names)
}

// ensureBindSource makes a missing -v bind source as dockerd (a
// directory, 0755); --mount binds must exist.
func ensureBindSource(m mountPoint) error {
	_, err := os.Stat(m.Source)
	if err == nil {
		return nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return errdefs.ErrInvalidArgument.WithMessage(sourceError(m.Source, err).Error())
	}
	if !m.CreateSource {
		return errdefs.ErrInvalidArgument.WithMessage(errMountConfig(mount.TypeBind, fmt.Errorf("bind source path does not exist: %s", m.Source)).Error())
	}
	if err := os.MkdirAll(m.Source, 0o755); err != nil {
		msg := fmt.Sprintf("error while creating mount source path '%s': %v", m.Source, err)
		if link, target, _, ok := firstSymlink(m.Source); ok {
			msg += fmt.Sprintf(" (it goes through the symlink %s -> %s)", link, target)
		}
		return errdefs.ErrInvalidArgument.WithMessage(msg)
	}
	return nil
}

// subpath is a directory inside a mounted volume, which must exist and
// stay inside it.
func subpath(root, sub string) (string, error) {
	p, err := securejoin.SecureJoin(root, sub)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(p); err != nil {
		return "", errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("cannot access path %s: %v", filepath.Join(root, sub), err))
	}
	return p, nil
}

// specMount is one mount point as an OCI mount, source being the host
// path (a volume's mount path).
func specMount(m mountPoint, source string) specs.Mount {
	switch m.Type {
	case mount.TypeTmpfs:
		opts := []string{"nosuid", "nodev", "noexec"}
		if !m.RW {
			opts = append(opts, "ro")
		}
		return specs.Mount{Destination: m.Destination, Type: "tmpfs", Source: "tmpfs", Options: append(opts, m.TmpfsOpts...)}
	}
	opts := []string{"rbind"}
	if m.NonRecursive {
		opts[0] = "bind"
	}
	switch {
	case m.RW:
		opts = append(opts, "rw")
	case m.ForceRRO:
		opts = append(opts, "ro", "rro")
	default:
		opts = append(opts, "ro")
	}
	if m.Propagation != "" {
		opts = append(opts, string(m.Propagation))
	} else {
		opts = append(opts, "rprivate")
	}
	return specs.Mount{Destination: m.Destination, Type: "bind", Source: source, Options: opts}
}
