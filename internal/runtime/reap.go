package runtime

import (
	"os"

	"golang.org/x/sys/unix"
)

// reapLater reaps the running shim p once it exits, without holding an OS
// thread meanwhile. A goroutine blocked in wait4 (exec.Cmd.Wait) holds
// one thread for the shim's whole life, one per running container; a
// pidfd instead is watched by the netpoller, and turns readable when the
// shim exits. The engine must reap its shims itself: only after it dies
// are they the supervisor's (a subreaper's) to reap.
func reapLater(p *os.Process) {
	pid := p.Pid
	// p is not reaped yet, so pid still names it.
	fd, err := unix.PidfdOpen(pid, 0)
	if err == nil {
		if err = unix.SetNonblock(fd, true); err != nil { // else os.NewFile does not poll it
			unix.Close(fd)
		}
	}
	if err != nil {
		go p.Wait() // no pidfd (Linux < 5.3): a blocked wait it is
		return
	}
	p.Release()
	f := os.NewFile(uintptr(fd), "pidfd")
	go func() {
		defer f.Close()
		rc, err := f.SyscallConn()
		if err != nil {
			return
		}
		// Read calls back each time the pidfd turns readable and parks
		// the goroutine, not a thread, in between.
		rc.Read(func(uintptr) bool {
			var ws unix.WaitStatus
			got, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil)
			return err != unix.EINTR && (err != nil || got != 0)
		})
	}()
}
