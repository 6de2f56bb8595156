package containerfs

import (
	"io"

	"go.podman.io/storage/pkg/archive"
)

// Export tars the whole root filesystem mounted at root, owners and modes
// as they are (GET /containers/{id}/export). root is the storage mount, on
// which the container's own mounts (/proc, /sys, /dev, volumes) are not
// mounted, so only the image and the container's layer are in the tar.
// The walk stays inside root (os.Root), whatever symlinks it holds.
func Export(root string) (io.ReadCloser, error) {
	return archive.TarWithOptions(root, &archive.TarOptions{Compression: archive.Uncompressed})
}
