package initproc

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/sys/mountinfo"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/mountopt"
)

// prepareRootfs builds the container's root in the new mount namespace and
// pivots into it, in runc's order: propagation of /, the rootfs bind, the
// spec's mounts, /dev, then pivot_root.
func prepareRootfs(spec *specs.Spec, userns bool) error {
	rootfs := spec.Root.Path
	rootProp, err := rootPropagation(spec)
	if err != nil {
		return err
	}
	// Slave by default: nothing the container mounts leaks to the host, and
	// the host's unmounts still reach the container.
	prep := rootProp
	if prep == 0 {
		prep = unix.MS_SLAVE | unix.MS_REC
	}
	if err := mount("", "/", "", prep, ""); err != nil {
		return err
	}
	// pivot_root refuses a new root whose parent mount is shared.
	if err := makeParentPrivate(rootfs); err != nil {
		return err
	}
	if err := mount(rootfs, rootfs, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return err
	}
	m := &mounter{rootfs: rootfs, userns: userns}
	for _, mnt := range spec.Mounts {
		if err := m.mount(mnt); err != nil {
			return fmt.Errorf("mounting %q to rootfs at %q: %w", mnt.Source, mnt.Destination, err)
		}
	}
	if needsDevSetup(spec) {
		if err := createDevices(rootfs, devicesOf(spec), userns); err != nil {
			return err
		}
		if err := devSymlinks(rootfs); err != nil {
			return err
		}
		if spec.Process != nil && spec.Process.Terminal {
			if err := bindConsole(rootfs); err != nil {
				return err
			}
		}
	}
	if err := pivotRoot(rootfs); err != nil {
		return err
	}
	if rootProp != 0 {
		if err := mount("", "/", "", rootProp, ""); err != nil {
			return err
		}
	}
	return nil
}

// rootPropagation is spec.Linux.RootfsPropagation as mount flags (0 if unset).
func rootPropagation(spec *specs.Spec) (uintptr, error) {
	if spec.Linux == nil || spec.Linux.RootfsPropagation == "" {
		return 0, nil
	}
	p, ok := mountopt.PropagationFlags[spec.Linux.RootfsPropagation]
	if !ok {
		return 0, fmt.Errorf("invalid rootfsPropagation %q", spec.Linux.RootfsPropagation)
	}
	return p, nil
}

// makeParentPrivate makes the mount that holds dir private if it is shared.
func makeParentPrivate(dir string) error {
	point, shared, err := mountOf(dir)
	if err != nil {
		return err
	}
	if !shared {
		return nil
	}
	return mount("", point, "", unix.MS_PRIVATE, "")
}

// mountOf finds the mount point that holds path and whether it is shared.
func mountOf(path string) (point string, shared bool, err error) {
	mounts, err := mountinfo.GetMounts(nil)
	if err != nil {
		return "", false, err
	}
	for _, m := range mounts {
		if !within(path, m.Mountpoint) || len(m.Mountpoint) < len(point) {
			continue
		}
		point, shared = m.Mountpoint, strings.Contains(m.Optional, "shared:")
	}
	return point, shared, nil
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	return dir == "/" || path == dir || strings.HasPrefix(path, dir+"/")
}

// pivotRoot makes rootfs the root with pivot_root(".", ".") and detaches
// the old root, which is stacked on the same directory.
func pivotRoot(rootfs string) error {
	oldroot, err := unix.Open("/", unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return os.NewSyscallError("open /", err)
	}
	defer unix.Close(oldroot)
	newroot, err := unix.Open(rootfs, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: rootfs, Err: err}
	}
	defer unix.Close(newroot)
	if err := unix.Fchdir(newroot); err != nil {
		return os.NewSyscallError("fchdir", err)
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return &os.PathError{Op: "pivot_root", Path: rootfs, Err: err}
	}
	if err := unix.Fchdir(oldroot); err != nil {
		return os.NewSyscallError("fchdir", err)
	}
	// Make sure the detach below cannot propagate to the host.
	if err := mount("", ".", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
		return err
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return os.NewSyscallError("umount old root", err)
	}
	return os.Chdir("/")
}

// remountRootReadonly makes / read-only, keeping its locked flags.
func remountRootReadonly() error {
	return mountopt.RemountBind("/", unix.MS_RDONLY, 0)
}

// mount is mount(2) with an error that names what was mounted.
func mount(source, target, fstype string, flags uintptr, data string) error {
	if err := unix.Mount(source, target, fstype, flags, data); err != nil {
		return &mountError{source: source, target: target, fstype: fstype, flags: flags, data: data, err: err}
	}
	return nil
}

type mountError struct {
	source, target, fstype, data string
	flags                        uintptr
	err                          error
}

func (e *mountError) Error() string {
	op := "mount"
	if e.flags&unix.MS_REMOUNT != 0 {
		op = "remount"
	}
	src := e.source
	if src == "" {
		src = e.fstype
	}
	return fmt.Sprintf("%s %s on %s (flags %#x, data %q): %v", op, src, filepath.Clean(e.target), e.flags, e.data, e.err)
}

func (e *mountError) Unwrap() error { return e.err }
