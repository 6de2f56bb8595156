package procinfo

import (
	"fmt"
	"os"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"
)

// ContainerPIDs lists the processes in initPid's PID namespace (the
// container's), initPid first and the rest sorted. Processes this engine
// may not inspect, or that exit meanwhile, are left out. Processes in a
// PID namespace nested inside the container's are not listed.
func ContainerPIDs(initPid int) ([]int, error) {
	ns, err := pidNS(initPid)
	if err != nil {
		return nil, fmt.Errorf("container process %d: %w", initPid, err)
	}
	entries, err := os.ReadDir(procRoot)
	if err != nil {
		return nil, err
	}
	pids := []int{initPid}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == initPid {
			continue
		}
		if other, err := pidNS(pid); err == nil && other == ns {
			pids = append(pids, pid)
		}
	}
	slices.Sort(pids[1:])
	return pids, nil
}

type nsID struct{ dev, ino uint64 }

// pidNS identifies the PID namespace of pid by its nsfs inode.
func pidNS(pid int) (nsID, error) {
	var st unix.Stat_t
	if err := unix.Stat(procPath(pid, "ns/pid"), &st); err != nil {
		return nsID{}, &os.PathError{Op: "stat", Path: procPath(pid, "ns/pid"), Err: err}
	}
	return nsID{uint64(st.Dev), st.Ino}, nil
}
