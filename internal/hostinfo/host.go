// Package hostinfo reads facts about the host that `info` and `version`
// report: kernel, OS, memory, optional helper programs. (What cgroups the
// engine can use is internal/runtime/cgroups.Detect.)
package hostinfo

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Kernel returns the kernel release and machine architecture (uname -r, -m).
func Kernel() (release, arch string) {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return "", ""
	}
	return unix.ByteSliceToString(u.Release[:]), unix.ByteSliceToString(u.Machine[:])
}

// OperatingSystem returns PRETTY_NAME and VERSION_ID from os-release.
func OperatingSystem() (name, version string) {
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), "=")
			if !ok {
				continue
			}
			v = strings.Trim(v, `"'`)
			switch k {
			case "PRETTY_NAME":
				name = v
			case "VERSION_ID":
				version = v
			}
		}
		f.Close()
		if name != "" {
			return name, version
		}
	}
	return "Linux", ""
}

// MemTotal returns MemTotal from /proc/meminfo in bytes.
func MemTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				kb, _ := strconv.ParseInt(fields[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// Helper is an optional host program and where it was found ("" if not).
type Helper struct{ Name, Path string }

// OptionalHelpers are the host programs skiff uses when present and works
// around (with a degraded path) when missing.
var OptionalHelpers = []string{"newuidmap", "newgidmap", "fuse-overlayfs", "slirp4netns", "pasta"}

// FindHelpers looks each optional helper up in PATH.
func FindHelpers() []Helper {
	out := make([]Helper, len(OptionalHelpers))
	for i, name := range OptionalHelpers {
		p, _ := exec.LookPath(name)
		out[i] = Helper{Name: name, Path: p}
	}
	return out
}
