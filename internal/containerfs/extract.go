package containerfs

import (
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/containerd/errdefs"
	securejoin "github.com/cyphar/filepath-securejoin"
	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/chrootarchive"
	"go.podman.io/storage/pkg/idtools"
	"golang.org/x/sys/unix"
)

// ExtractOptions are PUT /containers/{id}/archive's query parameters.
type ExtractOptions struct {
	// AllowOverwriteDirWithFile lets an entry replace a directory with a
	// non-directory or the reverse (the API's !noOverwriteDirNonDir).
	AllowOverwriteDirWithFile bool
	// CopyUIDGID keeps the tar's owners; without it every file is owned
	// by root (0:0) in the container, as `docker cp` documents.
	CopyUIDGID bool
}

// Extract untars r (possibly compressed) into the directory path of the
// container whose root is mounted at root (PUT /containers/{id}/archive).
// path is resolved in root, its last symlink too. A missing path is a
// *NotFoundError, one that is not a directory an InvalidArgument.
//
// Nothing is written outside root: the untar runs chrooted into root, and
// go.podman.io/storage's Unpack refuses ".." names, resolves each entry's
// parent inside the destination and strips leading "/". Device nodes are
// skipped, as dockerd does in a user namespace (the rootless case): a
// container has no business receiving them through docker cp.
func Extract(root, path string, r io.Reader, opts ExtractOptions) error {
	root = filepath.Clean(root)
	dest, err := securejoin.SecureJoin(root, containerPath(path))
	if err != nil {
		return notFound(err, path)
	}
	fi, err := os.Lstat(dest)
	if err != nil {
		return notFound(err, path)
	}
	if !fi.IsDir() {
		return errdefs.ErrInvalidArgument.WithMessage("extraction point is not a directory")
	}
	topts := &archive.TarOptions{
		NoOverwriteDirNonDir: !opts.AllowOverwriteDirWithFile,
		// Makes Unpack skip device nodes (and ignore EPERM on xattrs).
		InUserNS: true,
	}
	if !opts.CopyUIDGID {
		topts.ChownOpts = &idtools.IDPair{UID: 0, GID: 0}
	}
	if err := chrootarchive.UntarWithRoot(r, dest, topts, root); err != nil {
		if errors.Is(err, unix.ENOSPC) {
			return err
		}
		// The untar runs in a child process, so its error is text only;
		// nearly always the archive is at fault.
		return errdefs.ErrInvalidArgument.WithMessage("extracting archive: " + err.Error())
	}
	return nil
}
