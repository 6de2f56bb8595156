package containerfs

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"

	"github.com/moby/moby/api/types/container"
	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/chrootarchive"
	"golang.org/x/sys/unix"
)

// Archive tars path in the container (GET /containers/{id}/archive) and
// describes it as Stat does. The archive's top entry is named after the
// last element of path, as `docker cp` expects; for "dir/." the entries
// are dir's contents. A symlink at the end of path is archived as the link.
// The tar is made chrooted into root, so a path swapped for a symlink
// while it is read still cannot lead out.
func Archive(root, path string) (io.ReadCloser, *container.PathStat, error) {
	root = filepath.Clean(root)
	resolved, abs, err := resolve(root, path)
	if err != nil {
		return nil, nil, err
	}
	st, err := stat(root, resolved, abs, path)
	if err != nil {
		return nil, nil, err
	}
	if st.Mode&os.ModeSymlink != 0 {
		// storage's walker would follow a symlink named as its start.
		rc, err := linkTar(root, resolved, filepath.Base(abs))
		if err != nil {
			return nil, nil, err
		}
		return rc, st, nil
	}
	// A directory is walked from itself ("."), a file picked from its
	// parent.
	srcDir, srcBase := filepath.Clean(resolved), "."
	if !st.Mode.IsDir() {
		srcDir, srcBase = filepath.Split(filepath.Clean(resolved))
	}
	rc, err := chrootarchive.Tar(srcDir, &archive.TarOptions{
		Compression:      archive.Uncompressed,
		IncludeFiles:     []string{srcBase},
		IncludeSourceDir: true,
		RebaseNames:      map[string]string{srcBase: filepath.Base(abs)},
	}, root)
	if err != nil {
		return nil, nil, err
	}
	return rc, st, nil
}

// linkTar is the archive of the one symlink at resolved, named name. It
// reads the link through an os.Root, so a parent swapped for a symlink
// meanwhile cannot make it read a link outside root.
func linkTar(root, resolved, name string) (io.ReadCloser, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rel, err := filepath.Rel(root, resolved)
	if err != nil {
		return nil, err
	}
	fi, err := r.Lstat(rel)
	if err != nil {
		return nil, err
	}
	target, err := r.Readlink(rel)
	if err != nil {
		return nil, err
	}
	hdr := &tar.Header{
		Typeflag: tar.TypeSymlink,
		Name:     name,
		Linkname: target,
		Mode:     0o777,
		ModTime:  fi.ModTime(),
	}
	if st, ok := fi.Sys().(*unix.Stat_t); ok {
		hdr.Uid, hdr.Gid = int(st.Uid), int(st.Gid)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return io.NopCloser(&buf), nil
}
