package volumes

import (
	"context"
	"io/fs"
	"path/filepath"
	"syscall"

	"github.com/moby/moby/api/types/volume"
)

// DiskUsage describes the local volumes without driver options (those
// `system df` can size, as dockerd) with UsageData: Size in bytes (-1 when
// unknown) and RefCount, the containers using each.
func (s *Service) DiskUsage(ctx context.Context) ([]*volume.Volume, error) {
	s.mu.Lock()
	var vs []*vol
	for _, v := range s.vols {
		if v.Driver == LocalDriver && len(v.Options) == 0 {
			vs = append(vs, v)
		}
	}
	s.mu.Unlock()
	users := s.userIndex()
	out := make([]*volume.Volume, 0, len(vs))
	for _, v := range vs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a := s.toAPI(v)
		size, err := dirSize(ctx, s.dataPath(v.Name))
		if err != nil {
			size = -1
		}
		a.UsageData = &volume.UsageData{Size: size, RefCount: int64(len(s.inUse(v, users)))}
		out = append(out, &a)
	}
	return out, nil
}

// dirSize adds up the sizes of the files below dir (apparent sizes, as
// dockerd's), counting hard links once.
func dirSize(ctx context.Context, dir string) (int64, error) {
	var size int64
	seen := map[uint64]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
			if seen[st.Ino] {
				return nil
			}
			seen[st.Ino] = true
		}
		size += info.Size()
		return nil
	})
	return size, err
}
