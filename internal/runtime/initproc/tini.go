package initproc

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// runTini is docker run --init: after start, init runs the user's process
// as its child (a re-exec of this binary that switches user and execve's)
// and stays PID 1: it forwards signals to the child, reaps every zombie,
// and exits with the child's status.
func runTini(sync *syncConn, spec *specs.Spec) int {
	// The shim starts init with GOGC=off; this one stays as PID 1.
	debug.SetGCPercent(100)
	// A profile that does not compile is a setup error, before ready.
	if _, err := processSeccomp(spec); err != nil {
		return sync.fail(err)
	}
	if err := sync.ready(); err != nil {
		return sync.fail(setupError(err))
	}
	if err := sync.awaitStart(); err != nil {
		return sync.fail(setupError(err))
	}
	specFd, err := specMemfd(spec)
	if err != nil {
		return sync.fail(setupError(err))
	}
	// Before the fork, so that no SIGCHLD or signal for the child is lost.
	sigs := make(chan os.Signal, 128)
	signal.Notify(sigs)
	// Pdeathsig: without a PID namespace of its own (--pid=host), the
	// child would otherwise outlive an init killed with the shim.
	pid, err := syscall.ForkExec("/proc/self/exe", []string{"skiff-init"}, &syscall.ProcAttr{
		Env:   []string{envRole + "=" + Role, envChild + "=1"},
		Files: []uintptr{0, 1, 2, fdSync, uintptr(specFd)},
		Sys:   childAttr(spec),
	})
	unix.Close(specFd)
	if err != nil {
		return sync.fail(setupError(fmt.Errorf("starting the process: %w", err)))
	}
	// The child holds the sync socket now: its execve or its error is
	// what the shim must see.
	unix.Close(fdSync)
	return supervise(pid, sigs)
}

// specMemfd returns an fd holding the spec as JSON, read from the start.
func specMemfd(spec *specs.Spec) (int, error) {
	b, err := json.Marshal(spec)
	if err != nil {
		return -1, err
	}
	fd, err := unix.MemfdCreate("skiff-spec", unix.MFD_CLOEXEC)
	if err != nil {
		return -1, os.NewSyscallError("memfd_create", err)
	}
	for off := 0; off < len(b); {
		n, err := unix.Pwrite(fd, b[off:], int64(off))
		if err != nil {
			unix.Close(fd)
			return -1, os.NewSyscallError("write spec", err)
		}
		off += n
	}
	return fd, nil
}

// supervise forwards signals to pid and reaps children until pid exits.
func supervise(pid int, sigs chan os.Signal) int {
	for sig := range sigs {
		s := sig.(syscall.Signal)
		switch s {
		case unix.SIGCHLD:
			if code, done := reap(pid); done {
				return code
			}
		case unix.SIGURG:
			// The Go runtime's own preemption signal, not the user's.
		default:
			unix.Kill(pid, s)
		}
	}
	return 0
}

// reap collects every exited child; done is set once pid was among them.
func reap(pid int) (code int, done bool) {
	for {
		var ws unix.WaitStatus
		p, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if err == unix.EINTR {
			continue
		}
		if p <= 0 || err != nil {
			return code, done
		}
		if p == pid {
			code, done = statusCode(ws), true
		}
	}
}

// statusCode is a wait status as a shell reports it: 128+signal if killed.
func statusCode(ws unix.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// childAttr: with a tty the child gets its own process group in the
// terminal's foreground, as tini does, so that ^C and job control reach it.
func childAttr(spec *specs.Spec) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if spec.Process != nil && spec.Process.Terminal {
		a.Foreground = true
		a.Ctty = 0
	}
	return a
}
