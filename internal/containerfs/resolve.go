package containerfs

import (
	"errors"
	"io/fs"
	"path/filepath"
	"syscall"

	"github.com/containerd/errdefs"
	securejoin "github.com/cyphar/filepath-securejoin"
	"go.podman.io/storage/pkg/archive"
)

// NotFoundError is a path that does not exist in the container. It is an
// errdefs NotFound (404). Container is the container's ID for the message;
// the functions here leave it empty and InContainer fills it in.
type NotFoundError struct {
	Path      string
	Container string
}

// Error is Docker's message for a missing path.
func (e *NotFoundError) Error() string {
	return "Could not find the file " + e.Path + " in container " + e.Container
}

// Unwrap makes errdefs.IsNotFound true.
func (e *NotFoundError) Unwrap() error { return errdefs.ErrNotFound }

// InContainer names the container id in err when err is a NotFoundError,
// and returns err otherwise.
func InContainer(err error, id string) error {
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return &NotFoundError{Path: nf.Path, Container: id}
	}
	return err
}

// containerPath makes path absolute in the container, keeping a trailing
// "/" or "/." because it asks for the directory a symlink points to.
func containerPath(path string) string {
	return archive.PreserveTrailingDotOrSeparator(filepath.Join("/", path), path)
}

// resolve returns the host path of path inside root as dockerd does: every
// directory is resolved in the scope of root, and the last element is left
// as is, so that a symlink there is the link itself. abs is the cleaned
// container path.
func resolve(root, path string) (resolved, abs string, err error) {
	abs = containerPath(path)
	dir, base := filepath.Split(abs)
	dirPath, err := securejoin.SecureJoin(root, dir)
	if err != nil {
		return "", "", notFound(err, path)
	}
	return dirPath + string(filepath.Separator) + base, abs, nil
}

// notFound turns a missing path (or a file where a directory should be)
// into a NotFoundError.
func notFound(err error, path string) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return &NotFoundError{Path: path}
	}
	return err
}
