package containers

import (
	"context"
	"io"
	"sync"

	"github.com/containerd/errdefs"
	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"

	"github.com/skiff-engine/skiff/api/server"
	"github.com/skiff-engine/skiff/internal/containerfs"
)

// rootfsMount is a mount of a container's filesystem for file access,
// running or not; release drops it.
type rootfsMount struct {
	root    string
	mounts  []mountPoint
	rec     record
	release func()
}

func (s *Service) mountFor(ctx context.Context, c *ctr) (*rootfsMount, error) {
	c.mu.Lock()
	rec := c.rec
	c.mu.Unlock()
	store, root, err := s.mountRootfs(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	mps, releaseVolumes, err := s.mountVolumesFor(ctx, mountsOf(&rec))
	if err != nil {
		s.unmountRootfs(store, rec.ID)
		return nil, err
	}
	var once sync.Once
	return &rootfsMount{root: root, mounts: mps, rec: rec, release: func() {
		once.Do(func() { releaseVolumes(); s.unmountRootfs(store, rec.ID) })
	}}, nil
}

// resolve picks the root a container path is read from: a bind's or a
// volume's source (its subpath) when the path lies under one, else the
// container's filesystem. The path stays confined to that root.
func (m *rootfsMount) resolve(p string) (root, rel string, mp *mountPoint) {
	if mp, rel := resolveInMount(m.mounts, p); mp != nil {
		if mp.Subpath != "" {
			if sub, err := securejoin.SecureJoin(mp.Source, mp.Subpath); err == nil {
				return sub, rel, mp
			}
		}
		return mp.Source, rel, mp
	}
	return m.root, p, nil
}

// Export streams the container's filesystem as a tar.
func (s *Service) Export(ctx context.Context, idOrName string) (io.ReadCloser, error) {
	c, err := s.get(idOrName)
	if err != nil {
		return nil, err
	}
	m, err := s.mountFor(ctx, c)
	if err != nil {
		return nil, err
	}
	rc, err := containerfs.Export(m.root)
	if err != nil {
		m.release()
		return nil, err
	}
	s.publish(c, events.ActionExport, nil)
	return &releasingReader{ReadCloser: rc, release: m.release}, nil
}

// StatPath stats a path in the container.
func (s *Service) StatPath(ctx context.Context, idOrName, path string) (*container.PathStat, error) {
	c, err := s.get(idOrName)
	if err != nil {
		return nil, err
	}
	m, err := s.mountFor(ctx, c)
	if err != nil {
		return nil, err
	}
	defer m.release()
	root, rel, _ := m.resolve(path)
	st, err := containerfs.Stat(root, rel)
	if err != nil {
		return nil, containerfs.InContainer(err, m.rec.ID)
	}
	return st, nil
}

// ArchivePath tars a path in the container.
func (s *Service) ArchivePath(ctx context.Context, idOrName, path string) (io.ReadCloser, *container.PathStat, error) {
	c, err := s.get(idOrName)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.mountFor(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	root, rel, _ := m.resolve(path)
	rc, st, err := containerfs.Archive(root, rel)
	if err != nil {
		m.release()
		return nil, nil, containerfs.InContainer(err, m.rec.ID)
	}
	s.publish(c, events.ActionArchivePath, nil)
	return &releasingReader{ReadCloser: rc, release: m.release}, st, nil
}

// ExtractToDir untars content into a directory of the container.
func (s *Service) ExtractToDir(ctx context.Context, idOrName, path string, opts server.ExtractOptions, content io.Reader) error {
	c, err := s.get(idOrName)
	if err != nil {
		return err
	}
	m, err := s.mountFor(ctx, c)
	if err != nil {
		return err
	}
	defer m.release()
	root, rel, mp := m.resolve(path)
	switch {
	case mp != nil && !mp.RW:
		return errdefs.ErrInvalidArgument.WithMessage("mounted volume is marked read-only")
	case mp == nil && m.rec.HostConfig.ReadonlyRootfs:
		return errdefs.ErrInvalidArgument.WithMessage("container rootfs is marked read-only")
	}
	err = containerfs.Extract(root, rel, content, containerfs.ExtractOptions{
		AllowOverwriteDirWithFile: opts.AllowOverwriteDirWithFile,
		CopyUIDGID:                opts.CopyUIDGID,
	})
	if err != nil {
		return containerfs.InContainer(err, m.rec.ID)
	}
	s.publish(c, events.ActionExtractToDir, nil)
	return nil
}

// Changes lists what the container changed in its filesystem.
func (s *Service) Changes(ctx context.Context, idOrName string) ([]container.FilesystemChange, error) {
	c, err := s.get(idOrName)
	if err != nil {
		return nil, err
	}
	store, err := s.opt.Images.Store(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	id := c.rec.ID
	c.mu.Unlock()
	sc, err := store.Container(id)
	if err != nil {
		return nil, err
	}
	layer, err := store.Layer(sc.LayerID)
	if err != nil {
		return nil, err
	}
	changes, err := store.Changes(layer.Parent, layer.ID)
	if err != nil {
		return nil, err
	}
	out := []container.FilesystemChange{}
	for _, ch := range changes {
		out = append(out, container.FilesystemChange{Path: ch.Path, Kind: container.ChangeType(ch.Kind)})
	}
	return out, nil
}

// releasingReader drops the rootfs mount when the stream is closed.
type releasingReader struct {
	io.ReadCloser
	release func()
}

func (r *releasingReader) Close() error {
	err := r.ReadCloser.Close()
	r.release()
	return err
}
