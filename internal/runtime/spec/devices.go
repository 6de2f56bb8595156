package spec

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// devRoot is the host's /dev, read for --privileged and --device; a var
// for tests.
var devRoot = "/dev"

var errNotDevice = errors.New("not a device node")

// deviceFromPath describes the device node at path (not following a final
// symlink, as runc).
func deviceFromPath(path string) (specs.LinuxDevice, error) {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return specs.LinuxDevice{}, err
	}
	var typ string
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFCHR:
		typ = "c"
	case unix.S_IFBLK:
		typ = "b"
	case unix.S_IFIFO:
		typ = "p"
	default:
		return specs.LinuxDevice{}, errNotDevice
	}
	mode := fs.FileMode(st.Mode &^ unix.S_IFMT)
	uid, gid := st.Uid, st.Gid
	return specs.LinuxDevice{
		Path: path, Type: typ,
		Major: int64(unix.Major(uint64(st.Rdev))), Minor: int64(unix.Minor(uint64(st.Rdev))), //nolint:unconvert // 32-bit on some arches
		FileMode: &mode, UID: &uid, GID: &gid,
	}, nil
}

// hostDevices lists every device node under devRoot, skipping what the
// container gets anyway (pts, ptmx, shm, mqueue, fd) and the console, as
// containerd does for --privileged. In a user namespace init bind-mounts
// them, so only nodes the engine can open are usable inside.
func hostDevices() ([]specs.LinuxDevice, error) {
	var out []specs.LinuxDevice
	err := filepath.WalkDir(devRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == devRoot {
				return err
			}
			return nil // unreadable subdirectory: skip
		}
		if d.IsDir() {
			switch d.Name() {
			case "pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev":
				return filepath.SkipDir
			}
			return nil
		}
		// /dev/ptmx becomes a link to the container's own pts/ptmx; a
		// bind of the host's would leave init unable to replace it.
		if d.Name() == "console" || path == filepath.Join(devRoot, "ptmx") {
			return nil
		}
		dev, err := deviceFromPath(path)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(devRoot, path)
		dev.Path = "/dev/" + filepath.ToSlash(rel)
		out = append(out, dev)
		return nil
	})
	return out, err
}

// devicesFromMapping resolves one --device: a node, or a directory of
// nodes mapped recursively, with the cgroup rule for each.
func devicesFromMapping(m container.DeviceMapping) ([]specs.LinuxDevice, []specs.LinuxDeviceCgroup, error) {
	src := m.PathOnHost
	if fi, err := os.Lstat(src); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		if resolved, err := filepath.EvalSymlinks(src); err == nil {
			src = resolved
		}
	}
	dst := m.PathInContainer
	if dst == "" {
		dst = m.PathOnHost
	}
	perms := m.CgroupPermissions
	if perms == "" {
		perms = "rwm"
	}
	rule := func(d specs.LinuxDevice) specs.LinuxDeviceCgroup {
		major, minor := d.Major, d.Minor
		return specs.LinuxDeviceCgroup{Allow: true, Type: d.Type, Major: &major, Minor: &minor, Access: perms}
	}
	dev, err := deviceFromPath(src)
	if err == nil {
		dev.Path = dst
		return []specs.LinuxDevice{dev}, []specs.LinuxDeviceCgroup{rule(dev)}, nil
	}
	var devs []specs.LinuxDevice
	var rules []specs.LinuxDeviceCgroup
	if errors.Is(err, errNotDevice) {
		if fi, serr := os.Stat(src); serr == nil && fi.IsDir() {
			_ = filepath.WalkDir(src, func(p string, _ fs.DirEntry, _ error) error {
				d, e := deviceFromPath(p)
				if e != nil {
					return nil
				}
				d.Path = strings.Replace(p, src, dst, 1)
				devs = append(devs, d)
				rules = append(rules, rule(d))
				return nil
			})
		}
	}
	if len(devs) > 0 {
		return devs, rules, nil
	}
	return nil, nil, invalidf("error gathering device information while adding custom device %s: %s", strconv.Quote(m.PathOnHost), err)
}

var deviceRuleRE = regexp.MustCompile(`^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$`)

// deviceCgroupRule parses --device-cgroup-rule ("c 1:3 rwm", "*" for any).
func deviceCgroupRule(s string) (specs.LinuxDeviceCgroup, error) {
	m := deviceRuleRE.FindStringSubmatch(s)
	if m == nil {
		return specs.LinuxDeviceCgroup{}, invalidf("invalid device cgroup rule format: '%s'", s)
	}
	num := func(v string) (*int64, error) {
		if v == "*" {
			n := int64(-1)
			return &n, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		return &n, err
	}
	major, err := num(m[2])
	if err != nil {
		return specs.LinuxDeviceCgroup{}, invalidf("invalid major value in device cgroup rule format: '%s'", s)
	}
	minor, err := num(m[3])
	if err != nil {
		return specs.LinuxDeviceCgroup{}, invalidf("invalid minor value in device cgroup rule format: '%s'", s)
	}
	return specs.LinuxDeviceCgroup{Allow: true, Type: m[1], Major: major, Minor: minor, Access: m[4]}, nil
}
