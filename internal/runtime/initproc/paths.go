package initproc

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/mountopt"
)

// maskPaths hides paths (after pivot_root): files under /dev/null, and
// directories under an empty read-only tmpfs. Missing paths are skipped.
func maskPaths(paths []string) error {
	for _, p := range paths {
		err := mount("/dev/null", p, "", unix.MS_BIND, "")
		if errors.Is(err, unix.ENOTDIR) {
			err = mount("tmpfs", p, "tmpfs", unix.MS_RDONLY, "")
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// readonlyPaths makes paths (and everything mounted below them) read-only.
// Missing paths are skipped.
func readonlyPaths(paths []string) error {
	for _, p := range paths {
		err := mount(p, p, "", unix.MS_BIND|unix.MS_REC, "")
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if recursiveReadonly(p) != nil {
			if err := mountopt.RemountBind(p, unix.MS_RDONLY, 0); err != nil {
				return err
			}
		}
	}
	return nil
}
