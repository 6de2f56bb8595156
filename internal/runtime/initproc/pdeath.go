package initproc

import (
	"errors"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// parentDeath is the parent-death signal init was started with (the shim
// asks for SIGKILL: a container whose shim is gone has nobody to collect
// its output or exit) and the parent it belongs to.
type parentDeath struct{ sig, ppid int }

func currentParentDeath() (parentDeath, error) {
	var sig int32
	if err := unix.Prctl(unix.PR_GET_PDEATHSIG, uintptr(unsafe.Pointer(&sig)), 0, 0, 0); err != nil {
		return parentDeath{}, os.NewSyscallError("prctl(PR_GET_PDEATHSIG)", err)
	}
	return parentDeath{sig: int(sig), ppid: unix.Getppid()}, nil
}

// rearm sets the signal again: the kernel clears it when the user switch
// changes the credentials. A parent that died before that must still stop
// the container: the ppid changes when it was in init's PID namespace, and
// otherwise (ppid 0 both times) the shim's end of the sync socket is gone.
func (p parentDeath) rearm(sync *syncConn) error {
	if p.sig == 0 {
		return nil
	}
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(p.sig), 0, 0, 0); err != nil {
		return os.NewSyscallError("prctl(PR_SET_PDEATHSIG)", err)
	}
	if unix.Getppid() != p.ppid || sync.peerClosed() {
		return errors.New("init's parent exited while the container was starting")
	}
	return nil
}
