package containers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

// localDriver is the built-in volume driver; dockerd marks -v and --mount
// volumes of it with mode "z" (its setBindModeIfNull).
const localDriver = "local"

// registerMounts resolves a new container's mounts as dockerd's
// registerMountPoints and createContainerOSSpecificSettings: the mounts
// of --volumes-from, replaced by -v and --mount at the same destination,
// then an anonymous volume for each config volume (-v /path and the
// image's VOLUMEs) where nothing is mounted. It creates the volumes that
// do not exist; undo removes those again (a create that fails after).
func (s *Service) registerMounts(ctx context.Context, cfg *container.Config, hc *container.HostConfig) (mps []mountPoint, undo func(), err error) {
	user, err := userMounts(hc)
	if err != nil {
		return nil, func() {}, err
	}
	byDest := map[string]mountPoint{}
	for _, spec := range hc.VolumesFrom {
		from, err := s.volumesFrom(spec)
		if err != nil {
			return nil, func() {}, err
		}
		for _, m := range from {
			byDest[m.Destination] = m
		}
	}
	for _, m := range user {
		if m.Type == mount.TypeBind {
			if err := checkBindSource(m); err != nil {
				return nil, func() {}, err
			}
		}
		byDest[m.Destination] = m
	}
	for dest := range cfg.Volumes {
		d := path.Clean(dest)
		if _, ok := byDest[d]; ok {
			continue
		}
		if _, ok := hc.Tmpfs[d]; ok {
			continue
		}
		if !path.IsAbs(d) {
			return nil, func() {}, errdefs.ErrInvalidArgument.WithMessage(errMountConfig(mount.TypeVolume, fmt.Errorf("invalid mount path: '%s' mount path must be absolute", dest)).Error())
		}
		byDest[d] = mountPoint{Type: mount.TypeVolume, Destination: d, RW: true, CopyData: true, Anonymous: true, Driver: hc.VolumeDriver, fromConfig: true}
	}
	for _, m := range byDest {
		mps = append(mps, m)
	}
	sortMounts(mps)

	var created []string
	undo = func() {
		ctx := context.WithoutCancel(ctx)
		for _, name := range created {
			if err := s.opt.Volumes.Remove(ctx, name, true); err != nil {
				s.log.Warn().Err(err).Str("volume", name).Msg("removing a volume of a failed create")
			}
		}
	}
	for i := range mps {
		m := &mps[i]
		if m.Type != mount.TypeVolume || m.Source != "" {
			continue // a bind, a tmpfs, or a volume of --volumes-from
		}
		if s.opt.Volumes == nil {
			undo()
			return nil, func() {}, errdefs.ErrNotImplemented.WithMessage("volumes are not available in this engine")
		}
		isNew := m.Name == ""
		if !isNew {
			if _, err := s.opt.Volumes.Get(ctx, m.Name); errdefs.IsNotFound(err) {
				isNew = true
			} else if err != nil {
				undo()
				return nil, func() {}, err
			}
		}
		v, err := s.opt.Volumes.Create(ctx, m.Name, m.Driver, m.driverOpts, m.labels)
		if err != nil {
			undo()
			return nil, func() {}, err
		}
		if isNew {
			created = append(created, v.Name)
		}
		m.Name, m.Driver, m.Source = v.Name, v.Driver, v.Mountpoint
		if m.Mode == "" && m.Driver == localDriver && !m.fromConfig {
			m.Mode = "z"
		}
	}
	if mps == nil {
		mps = []mountPoint{}
	}
	return mps, undo, nil
}

// volumesFrom is the mounts another container gives to --volumes-from
// c[:ro|rw]: the same binds and volumes, read-only if asked. Nothing is
// copied into them.
func (s *Service) volumesFrom(spec string) ([]mountPoint, error) {
	id, mode, err := parseVolumesFrom(spec)
	if err != nil {
		return nil, err
	}
	c, err := s.get(id)
	if err != nil {
		// 400 as dockerd: a 404 would send the docker CLI pulling the
		// image.
		return nil, errdefs.ErrInvalidArgument.WithMessage(err.Error())
	}
	c.mu.Lock()
	src := mountsOf(&c.rec)
	c.mu.Unlock()
	rw := readWrite(mode)
	var out []mountPoint
	for _, m := range src {
		out = append(out, mountPoint{
			Type: m.Type, Name: m.Name, Driver: m.Driver, Source: m.Source,
			Destination: m.Destination, RW: m.RW && rw, Propagation: m.Propagation,
			TmpfsOpts: m.TmpfsOpts, Anonymous: m.Anonymous, CreateSource: m.CreateSource,
			NonRecursive: m.NonRecursive, ForceRRO: m.ForceRRO, Subpath: m.Subpath,
		})
	}
	return out, nil
}

// checkBindSource refuses a bind source the engine cannot reach, saying
// which symlink led there; a missing one is an error for --mount only
// (-v makes it at start, as dockerd).
func checkBindSource(m mountPoint) error {
	_, err := os.Stat(m.Source)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, os.ErrNotExist) && m.CreateSource:
		return nil
	case errors.Is(err, os.ErrNotExist):
		return errdefs.ErrInvalidArgument.WithMessage(errMountConfig(mount.TypeBind, fmt.Errorf("bind source path does not exist: %s", m.Source)).Error())
	}
	return errdefs.ErrInvalidArgument.WithMessage(errMountConfig(mount.TypeBind, sourceError(m.Source, err)).Error())
}
