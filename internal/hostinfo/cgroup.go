// Package hostinfo reads facts about the host that `info` and `version`
// report: cgroups, kernel, OS, memory, optional helper programs.
package hostinfo

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Cgroups describes what resource control the engine can use.
type Cgroups struct {
	Version string // "1" (v1 or hybrid) or "2" (unified)
	Driver  string // "systemd", "cgroupfs" or "none"
	// Delegated is true when this process may create child cgroups with
	// the cpu, memory and pids controllers (always true rootful on v2).
	Delegated   bool
	Controllers []string
}

// DetectCgroups inspects /sys/fs/cgroup and this process's own cgroup.
// rootless selects the rootless rules: no cgroup control without v2
// delegation, as Docker rootless.
func DetectCgroups(rootless bool) Cgroups {
	var st unix.Statfs_t
	v2 := unix.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC
	if !v2 {
		if rootless {
			return Cgroups{Version: "1", Driver: "none"}
		}
		return Cgroups{Version: "1", Driver: "cgroupfs", Delegated: true}
	}
	c := Cgroups{Version: "2", Driver: "cgroupfs"}
	own := ownCgroup2Path()
	dir := filepath.Join("/sys/fs/cgroup", own)
	if b, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers")); err == nil {
		c.Controllers = strings.Fields(string(b))
	}
	c.Delegated = unix.Access(filepath.Join(dir, "cgroup.subtree_control"), unix.W_OK) == nil &&
		hasAll(c.Controllers, "cpu", "memory", "pids")
	if rootless {
		if !c.Delegated {
			c.Driver = "none"
		} else if strings.Contains(own, "user@") {
			c.Driver = "systemd"
		}
	}
	return c
}

func ownCgroup2Path() string {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return "/"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "0::"); ok {
			return rest
		}
	}
	return "/"
}

func hasAll(have []string, want ...string) bool {
	set := map[string]bool{}
	for _, h := range have {
		set[h] = true
	}
	for _, w := range want {
		if !set[w] {
			return false
		}
	}
	return true
}
