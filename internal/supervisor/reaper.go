package supervisor

import (
	"errors"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// childExit is one reaped child of the supervisor.
type childExit struct {
	pid    int
	status unix.WaitStatus
}

// startReaper makes this process a child subreaper and reaps every child
// from then on. Container shims run in their own sessions and outlive the
// engine that started them; when it dies they become our children, and
// their exits must not pile up as zombies. Exits are delivered on the
// returned channel so the supervisor can tell its engine's from the rest.
func startReaper() (<-chan childExit, error) {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return nil, os.NewSyscallError("prctl(PR_SET_CHILD_SUBREAPER)", err)
	}
	sigchld := make(chan os.Signal, 1)
	signal.Notify(sigchld, syscall.SIGCHLD)
	exits := make(chan childExit, 256)
	go func() {
		for range sigchld {
			for {
				var ws unix.WaitStatus
				pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
				if errors.Is(err, unix.EINTR) {
					continue
				}
				if err != nil || pid <= 0 {
					break
				}
				// Never drop one: it may be the engine's. While the
				// supervisor backs off between engine runs this may
				// block, and zombies then wait a moment.
				exits <- childExit{pid: pid, status: ws}
			}
		}
	}()
	return exits, nil
}
