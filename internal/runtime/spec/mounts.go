package spec

import (
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// mountPlan is what buildMounts needs besides the host config.
type mountPlan struct {
	in              Input
	hc              *container.HostConfig
	writableCgroups bool
	pidHost         bool
	ipcHost         bool
}

// buildMounts assembles the container's mounts as dockerd does: Docker's
// defaults minus the ones a user mount replaces, then the user mounts
// (--tmpfs, /etc/resolv.conf, /etc/hostname, /etc/hosts, and the engine's
// binds and volumes) sorted so parents come before children.
func buildMounts(p mountPlan) ([]specs.Mount, error) {
	hc := p.hc
	user, err := userMounts(p)
	if err != nil {
		return nil, err
	}
	userDest := map[string]bool{}
	for _, m := range user {
		userDest[filepath.Clean(m.Destination)] = true
	}
	shmSize := hc.ShmSize
	if shmSize == 0 {
		shmSize = DefaultShmSize
	}
	var out []specs.Mount
	for _, m := range defaultMounts(p.in.SingleID) {
		switch {
		case userDest[m.Destination]:
			continue // replaced by a user mount
		case userDest["/dev"] && strings.HasPrefix(m.Destination, "/dev/"):
			continue // a user-supplied /dev brings its own
		case m.Destination == "/dev/shm" && hc.IpcMode.IsNone():
			continue
		}
		if m.Destination == "/dev/shm" {
			m.Options = append(m.Options, "size="+strconv.FormatInt(shmSize, 10))
		}
		if hc.ReadonlyRootfs && !slices.Contains(m.Options, "ro") {
			switch m.Destination {
			case "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue":
			default:
				m.Options = append(m.Options, "ro")
			}
		}
		if (m.Type == "sysfs" && hc.Privileged) || (m.Type == "cgroup" && p.writableCgroups) {
			m.Options = withoutOption(m.Options, "ro")
		}
		if p.in.Rootless {
			m = rootlessHostNSMount(m, p.pidHost, p.ipcHost)
		}
		out = append(out, m)
	}
	return append(out, user...), nil
}

// rootlessHostNSMount replaces mounts a user namespace may not make when a
// host namespace is shared: the host's /proc for --pid host (procfs of a
// PID namespace the user namespace does not own), and the host's
// /dev/shm and /dev/mqueue for --ipc host. Docker rootless does the same.
func rootlessHostNSMount(m specs.Mount, pidHost, ipcHost bool) specs.Mount {
	bind := func(dest string) specs.Mount {
		return specs.Mount{Destination: dest, Type: "bind", Source: dest, Options: []string{"rbind", "nosuid", "noexec", "nodev"}}
	}
	switch {
	case pidHost && m.Destination == "/proc":
		return bind("/proc")
	case ipcHost && (m.Destination == "/dev/shm" || m.Destination == "/dev/mqueue"):
		return bind(m.Destination)
	}
	return m
}

// userMounts are --tmpfs, the network files and Input.Mounts, sorted by
// depth (a stable sort keeps their relative order otherwise).
func userMounts(p mountPlan) ([]specs.Mount, error) {
	var out []specs.Mount
	taken := map[string]bool{}
	for _, m := range p.in.Mounts {
		taken[filepath.Clean(m.Destination)] = true
	}
	dests := make([]string, 0, len(p.hc.Tmpfs))
	for d := range p.hc.Tmpfs {
		dests = append(dests, d)
	}
	sort.Strings(dests)
	for _, d := range dests {
		if err := validateMountDestination(d); err != nil {
			return nil, err
		}
		opts, err := tmpfsOptions(p.hc.Tmpfs[d])
		if err != nil {
			return nil, err
		}
		out = append(out, specs.Mount{Destination: d, Type: "tmpfs", Source: "tmpfs", Options: opts})
		taken[filepath.Clean(d)] = true
	}
	// the order dockerd uses
	for _, f := range []struct{ src, dest string }{
		{p.in.ResolvConfPath, "/etc/resolv.conf"},
		{p.in.HostnamePath, "/etc/hostname"},
		{p.in.HostsPath, "/etc/hosts"},
	} {
		if f.src == "" || taken[f.dest] {
			continue
		}
		out = append(out, bindMount(f.src, f.dest, !p.hc.ReadonlyRootfs, p.in.Rootless))
	}
	out = append(out, p.in.Mounts...)
	sort.SliceStable(out, func(i, j int) bool { return depth(out[i].Destination) < depth(out[j].Destination) })
	return out, nil
}

func depth(p string) int { return len(strings.Split(filepath.Clean(p), "/")) }

// bindMount is a private recursive bind of src at dest. In a user
// namespace the source mount's locked flags must be repeated, or the
// kernel refuses the bind's remount.
func bindMount(src, dest string, writable, rootless bool) specs.Mount {
	opts := []string{"rbind", "rprivate"}
	if !writable {
		opts = append(opts, "ro")
	}
	if rootless {
		for _, o := range lockedFlags(src) {
			if !slices.Contains(opts, o) {
				opts = append(opts, o)
			}
		}
	}
	return specs.Mount{Destination: dest, Type: "bind", Source: src, Options: opts}
}

// lockedFlags are the flags of the mount holding path that an unprivileged
// bind mount cannot clear.
func lockedFlags(path string) []string {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return nil
	}
	var out []string
	for _, f := range []struct {
		bit  int64
		name string
	}{
		{unix.ST_RDONLY, "ro"}, {unix.ST_NODEV, "nodev"}, {unix.ST_NOEXEC, "noexec"}, {unix.ST_NOSUID, "nosuid"},
		{unix.ST_NOATIME, "noatime"}, {unix.ST_RELATIME, "relatime"}, {unix.ST_NODIRATIME, "nodiratime"},
	} {
		if st.Flags&f.bit != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

func withoutOption(opts []string, o string) []string {
	out := make([]string, 0, len(opts))
	for _, v := range opts {
		if v != o {
			out = append(out, v)
		}
	}
	return out
}
