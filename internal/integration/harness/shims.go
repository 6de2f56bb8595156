package harness

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Shims lists the daemon's live shim processes: those below the daemon
// (children of the engine, or of the supervisor after an engine restart)
// run as _SKIFF_ROLE=shim. A shim's environment is its own, without the
// test's marker, so the process tree is what ties it to this daemon.
func (d *Daemon) Shims() []int {
	d.needSkiff("Shims")
	var out []int
	for _, p := range descendants(d.Pid()) {
		if p.state == "Z" {
			continue
		}
		env, err := os.ReadFile("/proc/" + strconv.Itoa(p.pid) + "/environ")
		if err == nil && slices.Contains(strings.Split(string(env), "\x00"), "_SKIFF_ROLE=shim") {
			out = append(out, p.pid)
		}
	}
	return out
}

// proc is one process of a tree, from /proc/<pid>/stat.
type proc struct {
	pid   int
	state string // R, S, Z...
}

// descendants lists root and every process below it, breadth first.
func descendants(root int) []proc {
	children := map[int][]proc{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		ppid, _ := strconv.Atoi(f[1])
		children[ppid] = append(children[ppid], proc{pid: pid, state: f[0]})
	}
	out := []proc{{pid: root}}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i].pid]...)
	}
	return out
}

// ShimChildren is how many containers shim pid serves: its children (each
// container's init, which becomes the container's process).
func ShimChildren(pid int) int {
	n := 0
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	for _, t := range tasks {
		b, _ := os.ReadFile(t)
		n += len(strings.Fields(string(b)))
	}
	return n
}
