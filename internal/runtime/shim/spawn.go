package shim

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// highFd is where the shim keeps the sealed binary: above the fds that
// fork juggles while it places init's stdio and sync fd, so that
// /proc/self/fd/<n> still names the binary when the child execs it.
const highFd = 100

// takeSelfExe moves the sealed binary the engine passed on fd 3 out of
// the way and checks that it really is sealed.
func takeSelfExe() (*os.File, error) {
	seals, err := unix.FcntlInt(shimapi.FdSelfExe, unix.F_GET_SEALS, 0)
	if err != nil {
		return nil, fmt.Errorf("no sealed binary on fd %d: %w", shimapi.FdSelfExe, err)
	}
	if seals&unix.F_SEAL_WRITE == 0 {
		return nil, fmt.Errorf("the binary on fd %d is not sealed", shimapi.FdSelfExe)
	}
	fd, err := unix.FcntlInt(shimapi.FdSelfExe, unix.F_DUPFD_CLOEXEC, highFd)
	if err != nil {
		return nil, os.NewSyscallError("fcntl(F_DUPFD_CLOEXEC)", err)
	}
	unix.Close(shimapi.FdSelfExe)
	return os.NewFile(uintptr(fd), "skiff-sealed"), nil
}

// initCommand is init, run from the sealed binary with the sync channel
// on fd 3. If the shim dies the container is killed: nothing else could
// collect its output or exit.
func initCommand(self *os.File, cfg shimapi.Config, io *stdio, sync *os.File, flags uintptr) *exec.Cmd {
	// GOGC=off: init lives for milliseconds before its execve, and a
	// collection there only costs (a --init PID 1 turns it back on).
	env := []string{"_SKIFF_ROLE=init", "_SKIFF_BUNDLE=" + cfg.Bundle, "GOGC=off"}
	if cfg.Init {
		env = append(env, "_SKIFF_INIT_TINI=1") // init stays PID 1 and reaps
	}
	// With a tty, init starts a session whose controlling terminal is the
	// pty slave on its fd 0 (setsid + TIOCSCTTY), as runc does before
	// execve: the user's process (this same process) keeps both.
	tty := cfg.Tty
	return &exec.Cmd{
		Path:       "/proc/self/fd/" + strconv.Itoa(int(self.Fd())),
		Args:       []string{"skiff-init"},
		Env:        env,
		Dir:        cfg.Bundle,
		Stdin:      io.child[0],
		Stdout:     io.child[1],
		Stderr:     io.child[2],
		ExtraFiles: []*os.File{sync},
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags: flags,
			Pdeathsig:  syscall.SIGKILL,
			Setsid:     tty,
			Setctty:    tty,
			Ctty:       0,
		},
	}
}
