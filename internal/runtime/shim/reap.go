package shim

import "github.com/skiff-engine/skiff/internal/runtime/pidfd"

// awaitExit returns once the child pid has exited, without reaping it, so
// that a shim serving many containers does not hold an OS thread in wait4
// for each (a blocked thread costs its stacks). Without pidfds (Linux <
// 5.3) it returns at once and the caller's Wait blocks as before.
func awaitExit(pid int) {
	f, err := pidfd.Open(pid) // pid is not reaped yet, so it is ours
	if err != nil {
		return
	}
	defer f.Close()
	pidfd.Await(f)
}
