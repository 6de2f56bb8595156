package initproc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/mountopt"
)

// defaultDevices are the nodes every container gets, as runc adds them.
var defaultDevices = []specs.LinuxDevice{
	{Path: "/dev/null", Type: "c", Major: 1, Minor: 3},
	{Path: "/dev/zero", Type: "c", Major: 1, Minor: 5},
	{Path: "/dev/full", Type: "c", Major: 1, Minor: 7},
	{Path: "/dev/random", Type: "c", Major: 1, Minor: 8},
	{Path: "/dev/urandom", Type: "c", Major: 1, Minor: 9},
	{Path: "/dev/tty", Type: "c", Major: 5, Minor: 0},
}

// devicesOf is the spec's devices plus the defaults it does not name.
func devicesOf(spec *specs.Spec) []specs.LinuxDevice {
	var devs []specs.LinuxDevice
	seen := map[string]bool{}
	if spec.Linux != nil {
		for _, d := range spec.Linux.Devices {
			devs = append(devs, d)
			seen[filepath.Clean(d.Path)] = true
		}
	}
	for _, d := range defaultDevices {
		if !seen[d.Path] {
			devs = append(devs, d)
		}
	}
	return devs
}

// needsDevSetup is false when the spec binds a whole /dev from the host.
func needsDevSetup(spec *specs.Spec) bool {
	for _, m := range spec.Mounts {
		if filepath.Clean(m.Destination) == "/dev" && (m.Type == "bind" || mountopt.Parse(m.Options).Flags&unix.MS_BIND != 0) {
			return false
		}
	}
	return true
}

// createDevices makes the device nodes in rootfs. In a user namespace
// mknod is refused, so the host's node is bind-mounted instead.
func createDevices(rootfs string, devs []specs.LinuxDevice, userns bool) error {
	for _, d := range devs {
		dest, err := securejoin.SecureJoin(rootfs, d.Path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return err
		}
		err = errMknodRefused
		if !userns {
			err = mknodDevice(dest, d)
		}
		if errors.Is(err, errMknodRefused) {
			err = bindDevice(d.Path, dest)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

var errMknodRefused = errors.New("mknod refused")

func mknodDevice(dest string, d specs.LinuxDevice) error {
	var typ uint32
	switch d.Type {
	case "c", "u":
		typ = unix.S_IFCHR
	case "b":
		typ = unix.S_IFBLK
	case "p":
		typ = unix.S_IFIFO
	default:
		return &os.PathError{Op: "mknod", Path: d.Path, Err: errors.New("unknown device type " + d.Type)}
	}
	perm := uint32(0o666)
	if d.FileMode != nil {
		perm = uint32(d.FileMode.Perm())
	}
	err := unix.Mknod(dest, typ|perm, int(unix.Mkdev(uint32(d.Major), uint32(d.Minor))))
	switch {
	case errors.Is(err, unix.EEXIST):
		return nil
	case errors.Is(err, unix.EPERM):
		return errMknodRefused
	case err != nil:
		return &os.PathError{Op: "mknod", Path: d.Path, Err: err}
	}
	uid, gid := -1, -1
	if d.UID != nil {
		uid = int(*d.UID)
	}
	if d.GID != nil {
		gid = int(*d.GID)
	}
	return os.Lchown(dest, uid, gid)
}

// bindDevice binds the host's node at hostPath onto an empty file at dest.
func bindDevice(hostPath, dest string) error {
	if err := ensureFile(dest); err != nil {
		return err
	}
	return mount(hostPath, dest, "", unix.MS_BIND, "")
}

// bindConsole makes the container's /dev/console the pty that init holds
// as fd 0, as runc binds the console: the pty comes from the engine's
// devpts, which the container does not see, so without a node of it in
// /dev, ttyname(3) (and `tty`) would find no name for the terminal.
//
// The bind is made from the pty's path, not from /proc/self/fd/0: the fd
// belongs to the engine's mount namespace, while this copy of its mounts
// has the same devpts at the same path.
func bindConsole(rootfs string) error {
	pty, err := os.Readlink("/proc/self/fd/0")
	if err != nil {
		return err
	}
	if !strings.HasPrefix(pty, "/dev/pts/") {
		return nil // not the shim's pty (a test's stdin): nothing to name
	}
	dest, err := securejoin.SecureJoin(rootfs, "/dev/console")
	if err != nil {
		return err
	}
	return bindDevice(pty, dest)
}

// devSymlinks creates the links runc puts in /dev.
func devSymlinks(rootfs string) error {
	links := [][2]string{
		{"/proc/self/fd", "/dev/fd"},
		{"/proc/self/fd/0", "/dev/stdin"},
		{"/proc/self/fd/1", "/dev/stdout"},
		{"/proc/self/fd/2", "/dev/stderr"},
	}
	// Only where the host has one, as runc does.
	if _, err := os.Stat("/proc/kcore"); err == nil {
		links = append(links, [2]string{"/proc/kcore", "/dev/core"})
	}
	for _, l := range links {
		dest, err := securejoin.SecureJoin(rootfs, l[1])
		if err != nil {
			return err
		}
		if err := os.Symlink(l[0], dest); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
	}
	// /dev/ptmx must be the devpts instance's ptmx, not a host node.
	ptmx, err := securejoin.SecureJoin(rootfs, "/dev/ptmx")
	if err != nil {
		return err
	}
	if err := os.Remove(ptmx); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.Symlink("pts/ptmx", ptmx)
}
