package images

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/rs/zerolog"
	"go.podman.io/storage"
	drivers "go.podman.io/storage/drivers"
	"go.podman.io/storage/types"

	// The two drivers skiff uses; the others are left out of the binary.
	_ "go.podman.io/storage/drivers/overlay"
	_ "go.podman.io/storage/drivers/vfs"
)

// StoreOptions say where image storage lives and what the namespace allows.
type StoreOptions struct {
	DataRoot string // <data-root>; the store goes in <data-root>/storage
	RunRoot  string // a tmpfs-backed directory for mount state
	// SingleID is true when only uid/gid 0 exist in the user namespace:
	// files owned by others cannot keep their owner (chown errors ignored).
	SingleID bool
	Log      zerolog.Logger
}

// Driver describes the storage driver chosen at start.
type Driver struct {
	Name         string // "overlay" or "vfs"
	MountProgram string // fuse-overlayfs path when native overlay is unavailable
	Warning      string // why a slower driver is in use, for info and the log
}

// openStore opens go.podman.io/storage, probing native overlay first, then
// fuse-overlayfs, then vfs (slow and space-hungry, so it comes with a warning).
func openStore(o StoreOptions) (storage.Store, Driver, error) {
	graphRoot := filepath.Join(o.DataRoot, "storage")
	base := types.StoreOptions{
		RunRoot:   o.RunRoot,
		GraphRoot: graphRoot,
	}
	var ignoreChown []string
	if o.SingleID {
		ignoreChown = []string{"overlay.ignore_chown_errors=true", "vfs.ignore_chown_errors=true"}
	}
	// A store that was created with one driver keeps it: storage refuses
	// to open it with another, and the layers on disk need that driver.
	prev := previousDriver(graphRoot)
	attempts := []struct {
		drv  Driver
		opts []string
	}{
		{Driver{Name: "overlay"}, nil},
	}
	if fuse, err := exec.LookPath("fuse-overlayfs"); err == nil {
		attempts = append(attempts, struct {
			drv  Driver
			opts []string
		}{Driver{Name: "overlay", MountProgram: fuse, Warning: "native overlay is not available in the user namespace: using fuse-overlayfs (slower)"}, []string{"overlay.mount_program=" + fuse}})
	}
	attempts = append(attempts, struct {
		drv  Driver
		opts []string
	}{Driver{Name: "vfs", Warning: "neither native overlay nor fuse-overlayfs is available: using vfs, which copies every layer in full (slow, uses much more disk); install fuse-overlayfs or use Linux >= 5.11"}, nil})

	var errs []error
	for _, a := range attempts {
		if prev != "" && prev != a.drv.Name {
			continue
		}
		so := base
		so.GraphDriverName = a.drv.Name
		so.GraphDriverOptions = append(append([]string{}, a.opts...), ignoreChown...)
		if a.drv.Name == "overlay" {
			// The engine has its own mount namespace: storage's private
			// bind mount of its home would only be one more mount to leak.
			so.GraphDriverOptions = append(so.GraphDriverOptions, "overlay.skip_mount_home=true")
		}
		store, err := storage.GetStore(so)
		if err == nil {
			if a.drv.Warning != "" {
				o.Log.Warn().Str("driver", a.drv.Name).Msg(a.drv.Warning)
			}
			return store, a.drv, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", describe(a.drv), err))
		if !errors.Is(err, drivers.ErrNotSupported) && !errors.Is(err, drivers.ErrIncompatibleFS) && !errors.Is(err, drivers.ErrPrerequisites) {
			// A real fault (permissions, corrupt state), not a missing
			// feature: trying a slower driver would hide it.
			break
		}
	}
	return nil, Driver{}, fmt.Errorf("opening image storage in %s: %w", graphRoot, errors.Join(errs...))
}

func describe(d Driver) string {
	if d.MountProgram != "" {
		return d.Name + " (" + d.MountProgram + ")"
	}
	return d.Name
}

// previousDriver names the driver an existing store was created with.
func previousDriver(graphRoot string) string {
	for _, d := range []string{"overlay", "vfs"} {
		if _, err := os.Stat(filepath.Join(graphRoot, d+"-images")); err == nil {
			return d
		}
	}
	return ""
}
