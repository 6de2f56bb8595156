// Package cgroups is skiff's resource control: it detects whether the
// engine may manage cgroup v2 controllers (delegation), creates one leaf
// cgroup per container with its limits, freezes it for pause, and reads
// its statistics in the shapes of the Docker stats API.
//
// Only cgroup v2 is managed. On v1 or hybrid hosts, and on v2 hosts that
// do not delegate cpu, memory and pids to the engine, Detect reports why
// and the engine runs containers without limits, as rootless Docker does.
package cgroups

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// Root is where the cgroup v2 hierarchy is mounted; a var so tests can
// point it at a fake tree.
var Root = "/sys/fs/cgroup"

// procSelfCgroup names this process's cgroup membership file; a var for tests.
var procSelfCgroup = "/proc/self/cgroup"

// required are the controllers without which limits cannot be applied.
var required = []string{"cpu", "memory", "pids"}

// Info says what resource control the engine can use.
type Info struct {
	// V2 is true on a pure cgroup v2 (unified) host.
	V2 bool
	// Delegated is true when the engine's own cgroup is writable and has
	// the cpu, memory and pids controllers: Create can then apply limits.
	Delegated bool
	// Controllers are those available in the engine's cgroup (v2 only).
	Controllers []string
	// Path is the engine's cgroup relative to Root, e.g. "/user.slice/…".
	Path string
	// Reason says why Delegated is false (for `skiff check` and logs).
	Reason string
}

// Has reports whether the controller c is available.
func (i Info) Has(c string) bool { return slices.Contains(i.Controllers, c) }

// Detect inspects Root and /proc/self/cgroup.
func Detect() Info {
	// The root of a v2 hierarchy always has cgroup.controllers; a v1 or
	// hybrid /sys/fs/cgroup is a tmpfs of per-controller mounts.
	if _, err := os.Stat(filepath.Join(Root, "cgroup.controllers")); err != nil {
		return Info{Reason: "cgroup v2 is not mounted at " + Root + " (cgroup v1 or hybrid host): resource limits need a cgroup v2 host"}
	}
	info := Info{V2: true, Path: ownPath()}
	dir := filepath.Join(Root, info.Path)
	if b, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers")); err == nil {
		info.Controllers = strings.Fields(string(b))
	}
	var missing []string
	for _, c := range required {
		if !info.Has(c) {
			missing = append(missing, c)
		}
	}
	switch {
	case len(missing) > 0:
		info.Reason = "controllers " + strings.Join(missing, ", ") + " are not delegated to cgroup " + info.Path +
			" (with systemd: Delegate=cpu cpuset io memory pids in user@.service)"
	case !writable(dir):
		info.Reason = "cgroup " + info.Path + " is not writable by the engine"
	default:
		info.Delegated = true
	}
	return info
}

// ownPath is this process's v2 cgroup from the "0::" line.
func ownPath() string {
	b, err := os.ReadFile(procSelfCgroup)
	if err != nil {
		return "/"
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "0::"); ok && rest != "" {
			return filepath.Clean(rest)
		}
	}
	return "/"
}

func writable(dir string) bool {
	for _, f := range []string{"", "cgroup.procs", "cgroup.subtree_control"} {
		if unix.Access(filepath.Join(dir, f), unix.W_OK) != nil {
			return false
		}
	}
	return true
}

// InfoWarning is the warning `docker info` shows for a rootless engine
// that has no cgroup control (Docker's text), or "" when it has.
func InfoWarning(info Info, rootless bool) string {
	if !rootless || info.Delegated {
		return ""
	}
	if info.V2 {
		return "WARNING: Running in rootless-mode without cgroups. Systemd is required to enable cgroups in rootless-mode."
	}
	return "WARNING: Running in rootless-mode without cgroups. To enable cgroups in rootless-mode, you need to boot the system in cgroup v2 mode."
}
