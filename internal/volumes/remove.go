package volumes

import (
	"context"
	"os"
	"path/filepath"

	"github.com/moby/moby/api/types/events"
)

// Remove deletes a volume and everything in it. A volume in use is 409
// "remove <name>: volume is in use - [<ids>]", force or not; an unknown
// one is 404 unless force. force also forgets a plugin volume whose
// plugin refuses or fails to remove it.
func (s *Service) Remove(ctx context.Context, name string, force bool) error {
	unlock := s.locks.lock(name)
	defer unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	v := s.lookup(name)
	if v == nil {
		if force {
			return nil
		}
		return errNoSuchVolume(name)
	}
	if refs := s.inUse(v, s.userIndex()); len(refs) > 0 {
		return errInUse(name, refs)
	}
	if err := s.removeLocked(ctx, v, force); err != nil {
		return err
	}
	return nil
}

// removeLocked removes v; the caller holds its name lock and checked it
// is not in use.
func (s *Service) removeLocked(ctx context.Context, v *vol, force bool) error {
	name := v.Name
	if v.Driver == LocalDriver {
		s.mu.Lock()
		mounted := v.mounted
		s.mu.Unlock()
		if mounted || needsMount(v.Options) {
			if err := unmountLocal(s.dataPath(name)); err != nil {
				return opErr("remove", name, err)
			}
			// Should the rest fail, the volume stays, and unmounted.
			s.mu.Lock()
			v.mounted = false
			s.mu.Unlock()
		}
	} else {
		c, err := s.plugins.get(ctx, v.Driver)
		if err == nil {
			err = c.Remove(ctx, name)
			s.plugins.forget(v.Driver, err)
		}
		if err != nil && !force {
			return opErr("remove", name, err)
		}
	}
	// Rename first: a crash mid-way leaves a .trash- dir that the next
	// start removes, never a volume with half its files.
	trash, err := os.MkdirTemp(s.opt.Root, trashPrefix)
	if err != nil {
		return opErr("remove", name, err)
	}
	dst := filepath.Join(trash, name)
	if err := os.Rename(s.volDir(name), dst); err != nil && !os.IsNotExist(err) {
		os.Remove(trash)
		return opErr("remove", name, err)
	}
	s.mu.Lock()
	delete(s.vols, name)
	s.mu.Unlock()
	_ = syncDir(s.opt.Root)
	if err := removeTree(trash); err != nil {
		s.log.Warn().Err(err).Str("volume", name).Msg("the volume is gone but some of its files could not be deleted; the next start retries")
	}
	s.publish(name, events.ActionDestroy, map[string]string{"driver": v.Driver})
	return nil
}
