package initproc

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"

	securejoin "github.com/cyphar/filepath-securejoin"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/mountopt"
)

// mounter mounts spec mounts inside rootfs. userns is set when init runs
// in a user namespace (rootless), where several mounts are refused and
// have fallbacks.
type mounter struct {
	rootfs string
	userns bool
}

func (m *mounter) mount(mnt specs.Mount) error {
	opts := mountopt.Parse(mnt.Options)
	dest := filepath.Join("/", mnt.Destination)
	if mnt.Type == "bind" || opts.Flags&unix.MS_BIND != 0 {
		return m.bind(mnt.Source, dest, opts)
	}
	target, err := m.dir(dest)
	if err != nil {
		return err
	}
	flags := opts.Flags &^ unix.MS_REMOUNT
	switch mnt.Type {
	case "sysfs":
		err = mount("sysfs", target, "sysfs", flags, opts.Data)
		if err != nil && m.userns {
			// A user namespace that does not own the network namespace
			// cannot mount sysfs: show the host's, read-only, instead.
			err = bindHost("/sys", target, flags)
		}
	case "cgroup", "cgroup2":
		err = mount("cgroup2", target, "cgroup2", flags, "")
		if err != nil {
			err = bindHost("/sys/fs/cgroup", target, flags)
		}
		if err != nil && m.userns {
			return nil // no cgroup view is better than no container
		}
	case "mqueue":
		err = mount("mqueue", target, "mqueue", flags, opts.Data)
		if err != nil {
			err = bindHost("/dev/mqueue", target, flags)
		}
		if err != nil && m.userns {
			return nil
		}
	case "devpts":
		data := opts.Data
		// gid=5 (tty) is refused unless that gid exists in the namespace.
		if g, ok := dataValue(data, "gid"); ok {
			if n, perr := strconv.ParseUint(g, 10, 32); perr != nil || !gidsMapped(int(n)) {
				data = dataWithout(data, "gid")
			}
		}
		err = mount("devpts", target, "devpts", flags, data)
	default:
		src := mnt.Source
		if src == "" {
			src = mnt.Type
		}
		err = mount(src, target, mnt.Type, flags, opts.Data)
	}
	if err != nil {
		return err
	}
	return setPropagation(target, opts.Propagation)
}

// bind bind-mounts the host path source at dest, then applies the flags a
// bind mount ignores on the first call (ro, nosuid, …) with a remount.
func (m *mounter) bind(source, dest string, opts mountopt.Options) error {
	fi, err := os.Stat(source)
	if err != nil {
		return err
	}
	var target string
	if fi.IsDir() {
		target, err = m.dir(dest)
	} else {
		target, err = m.file(dest)
	}
	if err != nil {
		return err
	}
	if err := mount(source, target, "", unix.MS_BIND|opts.Flags&unix.MS_REC, ""); err != nil {
		return err
	}
	if extra := opts.Flags &^ (unix.MS_BIND | unix.MS_REC | unix.MS_REMOUNT); extra != 0 || opts.Clear != 0 {
		if err := mountopt.RemountBind(target, extra, opts.Clear); err != nil {
			return err
		}
	}
	if opts.RecursiveRO {
		if err := recursiveReadonly(target); err != nil {
			return err
		}
	}
	return setPropagation(target, opts.Propagation)
}

// dir returns dest resolved inside the rootfs, created as a directory if
// missing.
func (m *mounter) dir(dest string) (string, error) {
	target, err := securejoin.SecureJoin(m.rootfs, dest)
	if err != nil {
		return "", err
	}
	if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(target, 0o755); err != nil {
			return "", err
		}
	}
	return target, nil
}

// file returns dest resolved inside the rootfs, created as an empty file
// if missing (a bind mount of a file needs a file to land on).
func (m *mounter) file(dest string) (string, error) {
	target, err := securejoin.SecureJoin(m.rootfs, dest)
	if err != nil {
		return "", err
	}
	return target, ensureFile(target)
}

// ensureFile creates path (and its parents) as an empty file if missing.
func ensureFile(path string) error {
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// bindHost recursively binds a host path at target, read-only when flags
// say so (every submount too, where the kernel can).
func bindHost(source, target string, flags uintptr) error {
	if err := mount(source, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return err
	}
	if flags&unix.MS_RDONLY == 0 {
		return nil
	}
	if recursiveReadonly(target) == nil {
		return nil
	}
	return mountopt.RemountBind(target, flags&^(unix.MS_BIND|unix.MS_REC), 0)
}

// recursiveReadonly makes target and every mount below it read-only.
func recursiveReadonly(target string) error {
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
	if err := unix.MountSetattr(unix.AT_FDCWD, target, unix.AT_RECURSIVE, &attr); err != nil {
		return &os.PathError{Op: "mount_setattr", Path: target, Err: err}
	}
	return nil
}

func setPropagation(target string, props []uintptr) error {
	for _, p := range props {
		if err := mount("", target, "", p, ""); err != nil {
			return err
		}
	}
	return nil
}
