package containers

import (
	"context"
	"slices"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/volume"
)

// VolumeBackend is what containers need of the volume service: create or
// find volumes at container create, mount them (refcounted by container
// ID) for a run, remove anonymous ones with the container.
type VolumeBackend interface {
	Create(ctx context.Context, name, driver string, driverOpts, labels map[string]string) (volume.Volume, error)
	Get(ctx context.Context, name string) (volume.Volume, error)
	Mount(ctx context.Context, name, ref string) (hostPath string, err error)
	Unmount(ctx context.Context, name, ref string) error
	Remove(ctx context.Context, name string, force bool) error
}

// removeAnonymousVolumes removes the anonymous volumes of a removed
// container (rm -v, --rm). One another container still uses (through
// --volumes-from) stays: as with dockerd, that is not an error, and
// other failures are only logged.
func (s *Service) removeAnonymousVolumes(id string, mps []mountPoint) {
	if s.opt.Volumes == nil {
		return
	}
	ctx := context.Background()
	for _, m := range mps {
		if m.Type != mount.TypeVolume || !m.Anonymous {
			continue
		}
		err := s.opt.Volumes.Remove(ctx, m.Name, false)
		if err != nil && !errdefs.IsConflict(err) && !errdefs.IsNotFound(err) {
			s.log.Error().Err(err).Str("container", id).Str("volume", m.Name).Msg("removing the container's volume")
		}
	}
}

// VolumeUsers maps each volume name to the containers, running or not,
// whose mounts name it, in one pass: the volume service refuses to remove
// a volume while there are any.
func (s *Service) VolumeUsers() map[string][]string {
	out := map[string][]string{}
	for _, c := range s.all() {
		c.mu.Lock()
		for _, m := range mountsOf(&c.rec) {
			if m.Type == mount.TypeVolume && !slices.Contains(out[m.Name], c.rec.ID) {
				out[m.Name] = append(out[m.Name], c.rec.ID)
			}
		}
		c.mu.Unlock()
	}
	return out
}
