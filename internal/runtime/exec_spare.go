package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/runtime/initproc"
	"github.com/skiff-engine/skiff/internal/runtime/pidfd"
)

// spareSlot holds a Runtime's parked exec role, started ahead so that an
// exec does not wait for the role binary's start-up.
type spareSlot struct {
	ready chan *execRole // holds the parked role, when one is ready

	mu       sync.Mutex
	starting chan struct{} // closed when the role being started is ready or failed; nil when none is
	waiting  bool          // an exec waits for it
}

// execRole is a started exec role, parked until it gets its request.
type execRole struct {
	pid  int
	conn *os.File // the engine's end of the SEQPACKET socket, polled

	exited chan struct{} // closed once the role is reaped
	status unix.WaitStatus
}

func (r *Runtime) spareSlot() *spareSlot { return &r.spare }

// takeRole returns the parked role; when none is ready it waits for the
// one being started (if no other exec does) or starts its own. The caller
// has the next one started (refillSpare) once its process runs, so that
// the start-up does not compete with its own.
func (r *Runtime) takeRole(ctx context.Context) (*execRole, error) {
	s := r.spareSlot()
	for {
		select {
		case role := <-s.ready:
			if role.alive() {
				return role, nil
			}
			continue
		default:
		}
		s.mu.Lock()
		started := s.starting
		wait := started != nil && !s.waiting
		if wait {
			s.waiting = true
		}
		s.mu.Unlock()
		if !wait {
			return r.startRole()
		}
		select {
		case <-started:
		case <-ctx.Done():
		}
		s.mu.Lock()
		s.waiting = false
		s.mu.Unlock()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
}

// refillSpare starts a parked role unless one is ready or starting.
func (r *Runtime) refillSpare() {
	s := r.spareSlot()
	s.mu.Lock()
	if s.starting != nil || len(s.ready) > 0 {
		s.mu.Unlock()
		return
	}
	started := make(chan struct{})
	s.starting = started
	s.mu.Unlock()
	role, err := r.startRole()
	if err == nil {
		select {
		case s.ready <- role:
		default:
			role.discard()
		}
	}
	s.mu.Lock()
	s.starting = nil
	s.mu.Unlock()
	close(started)
}

// alive reports whether the parked role still runs; a dead one is let go.
func (role *execRole) alive() bool {
	select {
	case <-role.exited:
		role.conn.Close()
		return false
	default:
		return true
	}
}

// startRole starts the exec role from the sealed binary, parked, in the
// engine's namespaces: it joins the container's only for the process.
func (r *Runtime) startRole() (*execRole, error) {
	self, err := r.sealed()
	if err != nil {
		return nil, fmt.Errorf("sealed copy of the binary: %w", err)
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socketpair", err)
	}
	child := os.NewFile(uintptr(fds[1]), "exec-sync")
	defer child.Close()
	unix.SetNonblock(fds[0], true)
	conn := os.NewFile(uintptr(fds[0]), "exec-sync")
	cmd := &exec.Cmd{
		// ExtraFiles[1]: the sealed binary, never a file a container
		// could write.
		Path: "/proc/self/fd/" + fmt.Sprint(3+1),
		Args: []string{"skiff-exec"},
		Env: []string{"_SKIFF_ROLE=" + initproc.ExecRole, initproc.EnvExecParked + "=1",
			// Short-lived and small: one P, no collections.
			"GOMAXPROCS=1", "GOGC=off"},
		ExtraFiles:  []*os.File{child, self}, // initproc.FdExecSync
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	if err := cmd.Start(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("starting the exec role: %w", err)
	}
	role := &execRole{pid: cmd.Process.Pid, conn: conn, exited: make(chan struct{})}
	if err := reapWith(cmd.Process, func(ws unix.WaitStatus) {
		role.status = ws
		close(role.exited)
	}); err != nil {
		cmd.Process.Kill()
		conn.Close()
		return nil, err
	}
	return role, nil
}

// discard kills the role (when its request failed midway) and lets it be
// reaped.
func (role *execRole) discard() {
	role.kill()
	role.conn.Close()
}

// kill signals the role unless it was reaped (its pid may name another
// process then).
func (role *execRole) kill() {
	select {
	case <-role.exited:
	default:
		unix.Kill(role.pid, unix.SIGKILL)
	}
}

// send gives the role its request and the fds that go with it.
func (role *execRole) send(b []byte, fds []int) error {
	rc, err := role.conn.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = rc.Write(func(fd uintptr) bool {
		serr = unix.Sendmsg(int(fd), b, unix.UnixRights(fds...), nil, unix.MSG_NOSIGNAL)
		return !errors.Is(serr, unix.EAGAIN)
	})
	if err != nil {
		return err
	}
	if serr != nil {
		return os.NewSyscallError("sendmsg", serr)
	}
	return nil
}

// recv reads one message from the role, and the fd it carries (-1 for
// none). io.EOF means the role is gone.
func (role *execRole) recv() (initproc.ExecMsg, int, error) {
	var m initproc.ExecMsg
	rc, err := role.conn.SyscallConn()
	if err != nil {
		return m, -1, err
	}
	buf := make([]byte, 16<<10)
	oob := make([]byte, unix.CmsgSpace(4*4))
	var n, oobn int
	var rerr error
	err = rc.Read(func(fd uintptr) bool {
		n, oobn, _, _, rerr = unix.Recvmsg(int(fd), buf, oob, unix.MSG_CMSG_CLOEXEC)
		return !errors.Is(rerr, unix.EAGAIN)
	})
	if err == nil {
		err = rerr
	}
	if err != nil {
		return m, -1, fmt.Errorf("exec sync: %w", err)
	}
	fd := -1
	if oobn > 0 {
		cmsgs, _ := unix.ParseSocketControlMessage(oob[:oobn])
		for _, c := range cmsgs {
			rights, _ := unix.ParseUnixRights(&c)
			for _, r := range rights {
				if fd < 0 {
					fd = r
				} else {
					unix.Close(r)
				}
			}
		}
	}
	if n == 0 {
		if fd >= 0 {
			unix.Close(fd)
		}
		return m, -1, io.EOF
	}
	if err := json.Unmarshal(buf[:n], &m); err != nil {
		if fd >= 0 {
			unix.Close(fd)
		}
		return m, -1, fmt.Errorf("bad sync message from the exec process: %q", buf[:n])
	}
	return m, fd, nil
}

// execParked starts cfg's process through a parked exec role: the
// role joins the namespaces of pid on a thread of its own, hardens it
// and starts the process from it, and stays its parent to report its
// exit. Without a cgroup only: the role's fork cannot use clone3.
func (r *Runtime) execParked(ctx context.Context, pid int, cfg ExecConfig) (_ *Process, err error) {
	req := initproc.ExecRequest{Process: cfg.Process}
	if cfg.Seccomp != nil {
		f, err := r.compiledSeccomp(cfg.Seccomp)
		if err != nil {
			return nil, &StartError{Msg: "seccomp: " + err.Error(), Code: 125}
		}
		req.Seccomp, req.SeccompFlags = f.prog, f.flags
	}
	p := &Process{done: make(chan struct{})}
	defer func() {
		if err != nil {
			p.closeStdio()
		}
	}()
	child, err := p.stdio(cfg)
	defer func() {
		for _, f := range child {
			if f != nil {
				f.Close()
			}
		}
	}()
	if err != nil {
		return nil, err
	}
	nss, err := openNamespaces(pid)
	defer func() {
		for _, f := range nss {
			f.Close()
		}
	}()
	if err != nil {
		return nil, err
	}
	req.Namespaces = len(nss)
	b, err := json.Marshal(&req)
	if err != nil {
		return nil, err
	}
	fds := make([]int, 0, 3+len(nss))
	for _, f := range append(child[:], nss...) {
		fds = append(fds, int(f.Fd()))
	}
	// The next spare starts once this exec's process runs (or failed).
	defer func() { go r.refillSpare() }()
	role, err := r.takeRole(ctx)
	if err != nil {
		return nil, err
	}
	if err := role.send(b, fds); err != nil {
		// The spare died while parked: once more with a new one.
		role.discard()
		if role, err = r.startRole(); err != nil {
			return nil, err
		}
		if err := role.send(b, fds); err != nil {
			role.discard()
			return nil, err
		}
	}
	// A client gone during the start ends the role; a process it had
	// started already is killed too (its "started" stays readable).
	stop := context.AfterFunc(ctx, role.kill)
	m, pidfd, err := role.recv()
	stop()
	if ctx.Err() != nil || err != nil || m.Type != "started" {
		if pidfd >= 0 {
			if m.Type == "started" {
				unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0)
			}
			unix.Close(pidfd)
		}
		role.discard()
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err == nil && m.Type == "error":
			return nil, &StartError{Msg: m.Message, Code: m.ExitCode}
		case err == nil:
			return nil, fmt.Errorf("unexpected sync message %q from the exec process", m.Type)
		case errors.Is(err, io.EOF):
			return nil, errors.New("the exec process ended before it started")
		}
		return nil, err
	}
	if pidfd < 0 {
		role.discard()
		return nil, errors.New("the exec process sent no pidfd")
	}
	p.pid = m.Pid
	p.pidfd = os.NewFile(uintptr(pidfd), "pidfd")
	go func() {
		p.code = role.awaitExit()
		close(p.done)
	}()
	return p, nil
}

// awaitExit returns the process's exit code as the role reports it; a
// role that died first gives its own end.
func (role *execRole) awaitExit() int {
	defer role.conn.Close()
	m, fd, err := role.recv()
	if fd >= 0 {
		unix.Close(fd)
	}
	if err == nil && m.Type == "exit" {
		return m.ExitCode
	}
	<-role.exited
	return pidfd.ExitCode(role.status)
}

// reapWith reaps proc when it exits, through a pidfd the netpoller
// watches (no thread held meanwhile), and calls done with its status.
func reapWith(proc *os.Process, done func(unix.WaitStatus)) error {
	pid := proc.Pid
	f, err := pidfd.Open(pid)
	if err != nil {
		return err
	}
	proc.Release()
	go func() {
		defer f.Close()
		ws, _ := pidfd.Reap(f, pid)
		done(ws)
	}()
	return nil
}
