package volumes

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/volume"
)

// Create makes a volume, or returns the existing one of that name (its
// labels and options unchanged, as dockerd). name "" makes an anonymous
// volume; driver "" means the existing volume's driver, else "local".
func (s *Service) Create(ctx context.Context, name, driver string, driverOpts, labels map[string]string) (volume.Volume, error) {
	if name == "" {
		name = randomName()
		labels = maps.Clone(labels)
		if labels == nil {
			labels = map[string]string{}
		}
		labels[AnonymousLabel] = ""
	}
	if err := validateName(name); err != nil {
		return volume.Volume{}, opErr("create", name, err)
	}
	unlock := s.locks.lock(name)
	defer unlock()
	if err := ctx.Err(); err != nil {
		return volume.Volume{}, err
	}
	if v := s.lookup(name); v != nil {
		if driver != "" && driver != v.Driver {
			if driver != LocalDriver {
				if _, err := s.plugins.get(ctx, driver); err != nil {
					return volume.Volume{}, opErr("create", name, err)
				}
			}
			return volume.Volume{}, opErr("create", name, errdefs.ErrConflict.WithMessage(fmt.Sprintf("driver '%s' already has volume '%s': volume name must be unique", v.Driver, name)))
		}
		s.publish(name, events.ActionCreate, map[string]string{"driver": v.Driver}) // dockerd reports every create, even of an existing volume
		return s.toAPI(v), nil
	}
	if driver == "" {
		driver = LocalDriver
	}
	m := meta{Name: name, Driver: driver, Labels: emptyToNil(labels), Options: emptyToNil(driverOpts), CreatedAt: time.Now()}
	v := &vol{meta: m, refs: map[string]int{}, scope: "local"}
	var err error
	if driver == LocalDriver {
		err = s.createLocal(m)
	} else {
		err = s.createPlugin(ctx, v)
	}
	if err != nil {
		return volume.Volume{}, opErr("create", name, err)
	}
	s.mu.Lock()
	s.vols[name] = v
	s.mu.Unlock()
	s.publish(name, events.ActionCreate, map[string]string{"driver": driver})
	s.log.Debug().Str("volume", name).Str("driver", driver).Msg("volume created")
	return s.toAPI(v), nil
}

// createLocal checks the options, then stages <Root>/.tmp-<name>-* with
// its _data and metadata and renames it into place: a crash at any point
// leaves either no volume or a whole one.
func (s *Service) createLocal(m meta) error {
	if err := validateLocalOpts(m.Options, s.opt.Rootless); err != nil {
		return err
	}
	return s.stage(m, true)
}

// createPlugin stages the metadata, asks the plugin to create the volume,
// then puts the metadata in place.
func (s *Service) createPlugin(ctx context.Context, v *vol) error {
	c, err := s.plugins.get(ctx, v.Driver)
	if err != nil {
		return err
	}
	v.scope = c.scope
	if err := c.Create(ctx, v.Name, v.Options); err != nil {
		s.plugins.forget(v.Driver, err)
		return err
	}
	if err := s.stage(v.meta, false); err != nil {
		_ = c.Remove(context.WithoutCancel(ctx), v.Name)
		return err
	}
	return nil
}

// stage writes a volume directory under a temporary name and renames it.
func (s *Service) stage(m meta, withData bool) (err error) {
	tmp, err := os.MkdirTemp(s.opt.Root, tmpPrefix+m.Name+"-")
	if err != nil {
		return errdefs.ErrInternal.WithMessage(fmt.Sprintf("error while creating volume root path '%s': %v", s.volDir(m.Name), err))
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(tmp)
		}
	}()
	if err = os.Chmod(tmp, rootDirPerm); err != nil {
		return err
	}
	if withData {
		if err = os.Mkdir(filepath.Join(tmp, dataDir), dataDirPerm); err != nil {
			return err
		}
		// Mkdir applies the umask; dockerd's _data is 0755 whatever it is.
		if err = os.Chmod(filepath.Join(tmp, dataDir), dataDirPerm); err != nil {
			return err
		}
	}
	if err = writeMeta(tmp, m); err != nil {
		return err
	}
	if err = os.Rename(tmp, s.volDir(m.Name)); err != nil {
		return fmt.Errorf("error while creating volume root path '%s': %w", s.volDir(m.Name), err)
	}
	return syncDir(s.opt.Root)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func emptyToNil(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return maps.Clone(m)
}
