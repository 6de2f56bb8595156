package containerfs

import (
	"os"
	"path/filepath"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/moby/api/types/container"
)

// Stat describes path in the container whose root filesystem is mounted
// at root (HEAD /containers/{id}/archive). A path ending in a symlink
// describes the link, with LinkTarget its target resolved in the container
// (absolute); with a trailing "/" or "/." it describes what the link
// points to. A relative path is taken from "/". A missing path is a
// *NotFoundError.
func Stat(root, path string) (*container.PathStat, error) {
	root = filepath.Clean(root)
	resolved, abs, err := resolve(root, path)
	if err != nil {
		return nil, err
	}
	return stat(root, resolved, abs, path)
}

func stat(root, resolved, abs, path string) (*container.PathStat, error) {
	fi, err := os.Lstat(resolved)
	if err != nil {
		return nil, notFound(err, path)
	}
	var target string
	if fi.Mode()&os.ModeSymlink != 0 {
		host, err := securejoin.SecureJoin(root, abs)
		if err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(root, host)
		if err != nil {
			return nil, err
		}
		target = filepath.Join("/", rel)
	}
	return &container.PathStat{
		Name:       filepath.Base(abs),
		Size:       fi.Size(),
		Mode:       fi.Mode(),
		Mtime:      fi.ModTime(),
		LinkTarget: target,
	}, nil
}
