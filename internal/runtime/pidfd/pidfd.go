// Package pidfd waits for child processes without holding an OS thread:
// a goroutine blocked in wait4 (exec.Cmd.Wait) holds one for the child's
// whole life, while a pidfd, which turns readable when the process exits,
// is watched by Go's netpoller and parks only a goroutine. The engine and
// a shim each wait for one child per running container.
package pidfd

import (
	"os"

	"golang.org/x/sys/unix"
)

// Open returns a pollable pidfd of pid, a child that is not reaped yet
// (so that pid still names it). It fails on Linux before 5.3.
func Open(pid int) (*os.File, error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return nil, os.NewSyscallError("pidfd_open", err)
	}
	// Non-blocking, else os.NewFile does not hand it to the poller.
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), "pidfd"), nil
}

// Reap waits until pid (whose pidfd f is) exits and reaps it.
func Reap(f *os.File, pid int) (unix.WaitStatus, error) {
	var ws unix.WaitStatus
	rc, err := f.SyscallConn()
	if err != nil {
		return ws, err
	}
	var werr error
	// Read calls back each time the pidfd turns readable and parks the
	// goroutine in between.
	err = rc.Read(func(uintptr) bool {
		got, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil)
		if err == unix.EINTR {
			return false
		}
		werr = err
		return err != nil || got != 0
	})
	if err == nil {
		err = werr
	}
	return ws, err
}

// Await waits until the process of pidfd f exits, without reaping it
// (its parent's exec.Cmd.Wait does that, at once then).
func Await(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	return rc.Read(func(fd uintptr) bool {
		p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(p, 0)
		return err != unix.EINTR && (err != nil || n > 0)
	})
}

// ExitCode is Docker's exit code for a reaped process's status: its own
// code, 128 plus the signal that killed it, or 255 for anything else.
func ExitCode(ws unix.WaitStatus) int {
	switch {
	case ws.Exited():
		return ws.ExitStatus()
	case ws.Signaled():
		return 128 + int(ws.Signal())
	}
	return 255
}
