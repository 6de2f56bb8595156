package shim

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/containerd/errdefs"
	"golang.org/x/sys/unix"
)

// kill signals the container's PID 1, or with all every process of it.
func (s *shim) kill(sig syscall.Signal, all bool) error {
	select {
	case <-s.reaped:
		return errdefs.ErrConflict.WithMessage("container is not running")
	default:
	}
	var others []int
	if all && !(s.newPidNS && sig == syscall.SIGKILL) {
		// Listed before PID 1 is signalled: once it is gone, its
		// children are reparented and no longer found below it.
		// (Killing PID 1 of a pid namespace with SIGKILL kills it all.)
		if s.newPidNS {
			others = namespacePids(s.pid) // none if PID 1 is gone
		} else {
			others = descendants(s.pid, readParents())
		}
	}
	for _, pid := range others {
		if pid != s.pid {
			unix.Kill(pid, sig) // it may be gone already
		}
	}
	// os.Process signals through a pidfd: never a recycled pid.
	if err := s.cmd.Process.Signal(sig); err != nil {
		if errors.Is(err, os.ErrProcessDone) {
			return errdefs.ErrConflict.WithMessage("container is not running")
		}
		return err
	}
	return nil
}

// procPids lists the processes in /proc.
func procPids() []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// namespacePids lists the processes in pid's PID namespace (found by the
// nsfs inode of /proc/<pid>/ns/pid). It is procinfo.ContainerPIDs again:
// procinfo links the API types, which the small shim binary leaves out.
func namespacePids(pid int) []int {
	ns, err := pidNamespace(pid)
	if err != nil {
		return nil
	}
	var pids []int
	for _, p := range procPids() {
		if other, err := pidNamespace(p); err == nil && other == ns {
			pids = append(pids, p)
		}
	}
	return pids
}

func pidNamespace(pid int) ([2]uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat("/proc/"+strconv.Itoa(pid)+"/ns/pid", &st); err != nil {
		return [2]uint64{}, err
	}
	return [2]uint64{st.Dev, st.Ino}, nil
}

// readParents maps each process in /proc to its parent.
func readParents() map[int]int {
	parents := map[int]int{}
	for _, p := range procPids() {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(p) + "/stat")
		if err != nil {
			continue
		}
		if ppid, ok := parseParent(string(b)); ok {
			parents[p] = ppid
		}
	}
	return parents
}

// parseParent reads the ppid from /proc/<pid>/stat; the command name in
// parentheses may itself hold spaces and parentheses.
func parseParent(stat string) (int, bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}

// descendants lists root and every process below it.
func descendants(root int, parents map[int]int) []int {
	children := map[int][]int{}
	for p, pp := range parents {
		children[pp] = append(children[pp], p)
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}
