package shim

import (
	"os"

	"golang.org/x/sys/unix"
)

// awaitExit returns once the child pid has exited, without reaping it:
// a pidfd turns readable then, and the netpoller watches it, so a shim
// serving many containers does not hold an OS thread in wait4 for each
// (a blocked thread costs its stacks). Without pidfds (Linux < 5.3) it
// returns at once and the caller's Wait blocks as before.
func awaitExit(pid int) {
	fd, err := unix.PidfdOpen(pid, 0) // pid is not reaped yet, so it is ours
	if err != nil {
		return
	}
	if err := unix.SetNonblock(fd, true); err != nil { // else os.NewFile does not poll it
		unix.Close(fd)
		return
	}
	f := os.NewFile(uintptr(fd), "pidfd")
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Read(func(fd uintptr) bool {
		p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(p, 0)
		return err != unix.EINTR && (err != nil || n > 0)
	})
}
