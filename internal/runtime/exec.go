package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"sync"
	"syscall"

	"github.com/containerd/errdefs"
	"github.com/creack/pty"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/runtime/initproc"
	"github.com/skiff-engine/skiff/internal/runtime/pidfd"
)

// ExecConfig is a process to run in a running container.
type ExecConfig struct {
	// Process is what runs: args, env, cwd, user, capabilities, rlimits,
	// no_new_privileges; Terminal asks for a pty of ConsoleSize.
	Process *specs.Process
	// Seccomp is the container's filter (nil for none).
	Seccomp *specs.LinuxSeccomp
	// CgroupPath is the container's cgroup v2 directory ("" for none).
	CgroupPath string
	// Stdin gives the process a stdin pipe (always with a terminal);
	// without it stdin is /dev/null.
	Stdin bool
}

// Process is a process exec'd into a container. Its methods are safe for
// concurrent use.
type Process struct {
	pid    int
	pidfd  *os.File
	master *os.File // nil without a terminal

	// Stdin is nil unless asked for. Stdout carries everything with a
	// terminal; Stderr is then nil. Both end with io.EOF when the
	// process and everything it left holding them are done.
	Stdin          io.WriteCloser
	Stdout, Stderr io.ReadCloser

	done      chan struct{}
	code      int
	closeOnce sync.Once
}

// execNamespaces are joined in this order; the mount namespace comes last
// (setns into it changes the root the other /proc paths resolve in). The
// user namespace is never joined: the engine already lives in the one the
// containers use.
var execNamespaces = []string{"cgroup", "ipc", "uts", "net", "pid", "time", "mnt"}

// Exec starts cfg's process in the namespaces of the container whose
// PID 1 is pid (Task.Pid) and returns once the user's program runs, or a
// *StartError (126 not executable, 127 not found) when it cannot. ctx
// bounds only the start. Without a cgroup a parked exec role starts it
// (execParked); with one, the exec role is started into the cgroup
// (clone3) and execve's the program itself.
func (r *Runtime) Exec(ctx context.Context, pid int, cfg ExecConfig) (_ *Process, err error) {
	if cfg.Process == nil || len(cfg.Process.Args) == 0 {
		return nil, errdefs.ErrInvalidArgument.WithMessage("exec: no process args")
	}
	if cfg.CgroupPath == "" {
		return r.execParked(ctx, pid, cfg)
	}
	self, err := r.sealed()
	if err != nil {
		return nil, fmt.Errorf("sealed copy of the binary: %w", err)
	}
	var closeLater []*os.File
	defer func() {
		for _, f := range closeLater {
			f.Close()
		}
	}()
	p := &Process{done: make(chan struct{})}
	defer func() {
		if err != nil {
			p.closeStdio()
		}
	}()
	child, err := p.stdio(cfg)
	closeLater = append(closeLater, child[:]...)
	if err != nil {
		return nil, err
	}
	specFd, err := execSpecFd(cfg)
	if err != nil {
		return nil, err
	}
	closeLater = append(closeLater, specFd)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socketpair", err)
	}
	syncChild := os.NewFile(uintptr(fds[1]), "exec-sync")
	closeLater = append(closeLater, syncChild)
	unix.SetNonblock(fds[0], true) // polled, so that ctx can end the read
	syncParent := os.NewFile(uintptr(fds[0]), "exec-sync")
	defer syncParent.Close()

	attr := &syscall.SysProcAttr{Setsid: true}
	if cfg.Process.Terminal {
		attr.Setctty, attr.Ctty = true, 0
	}
	if cfg.CgroupPath != "" {
		cg, err := os.Open(cfg.CgroupPath)
		if err != nil {
			return nil, fmt.Errorf("the container's cgroup: %w", err)
		}
		closeLater = append(closeLater, cg)
		// clone3(CLONE_INTO_CGROUP): the process never runs outside it.
		attr.UseCgroupFD, attr.CgroupFD = true, int(cg.Fd())
	}
	cmd := &exec.Cmd{
		// Resolved in the container's mount namespace: its /proc shows
		// the child's own fd table, where ExtraFiles[2] is the sealed
		// binary (never a file the container could write).
		Path:        "/proc/self/fd/" + strconv.Itoa(3+2),
		Args:        []string{"skiff-exec"},
		Env:         []string{"_SKIFF_ROLE=" + initproc.ExecRole, "GOMAXPROCS=1"},
		Stdin:       child[0],
		Stdout:      child[1],
		Stderr:      child[2],
		ExtraFiles:  []*os.File{syncChild, specFd, self}, // initproc.FdExecSync, FdExecSpec
		SysProcAttr: attr,
	}
	if err := startInNamespaces(pid, cmd); err != nil {
		return nil, err
	}
	p.pid = cmd.Process.Pid
	if err := p.watch(cmd.Process); err != nil {
		cmd.Process.Kill()
		return nil, err
	}
	for _, f := range closeLater {
		f.Close()
	}
	closeLater = nil
	if err := p.awaitExec(ctx, syncParent); err != nil {
		p.Kill(syscall.SIGKILL)
		<-p.done
		return nil, err
	}
	return p, nil
}

// stdio makes the process's standard files: the pty slave three times, or
// pipes (and /dev/null for no stdin). It returns the child's ends; p gets
// the engine's.
func (p *Process) stdio(cfg ExecConfig) (child [3]*os.File, err error) {
	if cfg.Process.Terminal {
		master, slave, err := pty.Open()
		if err != nil {
			return child, err
		}
		p.master = master
		if cs := cfg.Process.ConsoleSize; cs != nil && (cs.Height != 0 || cs.Width != 0) {
			if err := pty.Setsize(master, &pty.Winsize{Rows: uint16(cs.Height), Cols: uint16(cs.Width)}); err != nil {
				slave.Close()
				return child, err
			}
		}
		p.Stdin = masterInput{master}
		p.Stdout = ptyOutput{master}
		return [3]*os.File{slave, slave, slave}, nil
	}
	if cfg.Stdin {
		r, w, err := os.Pipe()
		if err != nil {
			return child, err
		}
		child[0], p.Stdin = r, w
	} else {
		null, err := os.Open(os.DevNull)
		if err != nil {
			return child, err
		}
		child[0] = null
	}
	for i, dst := range []*io.ReadCloser{&p.Stdout, &p.Stderr} {
		r, w, err := os.Pipe()
		if err != nil {
			return child, err
		}
		child[1+i], *dst = w, r
	}
	return child, nil
}

// closeStdio closes the engine's ends (after a failed start).
func (p *Process) closeStdio() {
	p.closeOnce.Do(func() {
		for _, c := range []io.Closer{p.Stdin, p.Stdout, p.Stderr} {
			if c != nil {
				c.Close()
			}
		}
		if p.master != nil {
			p.master.Close()
		}
	})
}

// execSpecFd is a memfd holding what the exec role needs of the spec.
func execSpecFd(cfg ExecConfig) (*os.File, error) {
	s := specs.Spec{Process: cfg.Process}
	if cfg.Seccomp != nil {
		s.Linux = &specs.Linux{Seccomp: cfg.Seccomp}
	}
	b, err := json.Marshal(&s)
	if err != nil {
		return nil, err
	}
	fd, err := unix.MemfdCreate("skiff-exec-spec", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("memfd_create", err)
	}
	f := os.NewFile(uintptr(fd), "exec-spec")
	// WriteAt leaves the offset at 0, where the role reads from.
	if _, err := f.WriteAt(b, 0); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// startInNamespaces starts cmd from a thread that joined the namespaces
// of pid: on a locked goroutine, unshare(CLONE_FS) (setns into a mount
// namespace needs an fs of its own), open every namespace first, then
// setns each, mount last. The thread is never unlocked: it has become
// part of the container, and Go ends it with the goroutine.
func startInNamespaces(pid int, cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	go func() {
		goruntime.LockOSThread()
		errc <- func() error {
			nss, err := openNamespaces(pid)
			defer func() {
				for _, f := range nss {
					f.Close()
				}
			}()
			if err != nil {
				return err
			}
			if err := unix.Unshare(unix.CLONE_FS); err != nil {
				return os.NewSyscallError("unshare(CLONE_FS)", err)
			}
			for _, f := range nss {
				if err := unix.Setns(int(f.Fd()), 0); err != nil {
					return fmt.Errorf("joining the container's namespace %s: %w", f.Name(), os.NewSyscallError("setns", err))
				}
			}
			if err := cmd.Start(); err != nil {
				return fmt.Errorf("starting the exec process: %w", err)
			}
			return nil
		}()
	}()
	return <-errc
}

// openNamespaces opens the namespaces of pid that differ from this
// thread's, in execNamespaces order. A kernel without one (time) is fine;
// a missing process means the container stopped.
func openNamespaces(pid int) ([]*os.File, error) {
	var out []*os.File
	for _, ns := range execNamespaces {
		p := filepath.Join("/proc", strconv.Itoa(pid), "ns", ns)
		var theirs, ours unix.Stat_t
		if err := unix.Stat(p, &theirs); err != nil {
			if errors.Is(err, unix.ENOENT) {
				if _, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid))); err != nil {
					return out, errdefs.ErrConflict.WithMessage("the container's process is gone")
				}
				continue
			}
			return out, fmt.Errorf("the container's %s namespace: %w", ns, err)
		}
		if unix.Stat("/proc/thread-self/ns/"+ns, &ours) == nil && ours.Ino == theirs.Ino && ours.Dev == theirs.Dev {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return out, errdefs.ErrConflict.WithMessage("the container's process is gone")
			}
			return out, err
		}
		out = append(out, f)
	}
	return out, nil
}

// watch reaps the process when it exits, through a pidfd the netpoller
// watches (no thread held meanwhile), and records its exit code.
func (p *Process) watch(proc *os.Process) error {
	f, err := pidfd.Open(proc.Pid)
	if err != nil {
		return err
	}
	proc.Release()
	p.pidfd = f
	go func() {
		ws, _ := pidfd.Reap(f, p.pid)
		p.code = pidfd.ExitCode(ws)
		close(p.done)
	}()
	return nil
}

// awaitExec waits for the exec role to execve the user's program (EOF on
// the close-on-exec sync socket) or to say why it could not.
func (p *Process) awaitExec(ctx context.Context, sync *os.File) error {
	stop := context.AfterFunc(ctx, func() { sync.Close() })
	defer stop()
	buf := make([]byte, 16*1024)
	n, err := sync.Read(buf)
	if errors.Is(err, io.EOF) || (err == nil && n == 0) {
		return nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("exec sync: %w", err)
	}
	var m struct {
		Type     string `json:"type"`
		Message  string `json:"message"`
		ExitCode int    `json:"exitCode"`
	}
	if err := json.Unmarshal(buf[:n], &m); err != nil || m.Type != "error" {
		return fmt.Errorf("bad sync message from the exec process: %q", buf[:n])
	}
	return &StartError{Msg: m.Message, Code: m.ExitCode}
}

// Pid is the process's pid as the engine sees it.
func (p *Process) Pid() int { return p.pid }

// Done is closed when the process has exited and been reaped.
func (p *Process) Done() <-chan struct{} { return p.done }

// Wait returns the exit code (128+signal when killed) once it exited.
func (p *Process) Wait(ctx context.Context) (int, error) {
	select {
	case <-p.done:
		return p.code, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Kill signals the process; after its exit it does nothing (the pidfd
// never names another process).
func (p *Process) Kill(sig syscall.Signal) error {
	rc, err := p.pidfd.SyscallConn()
	if err != nil {
		return nil // closed: reaped
	}
	var serr error
	err = rc.Control(func(fd uintptr) {
		serr = unix.PidfdSendSignal(int(fd), sig, nil, 0)
	})
	if errors.Is(serr, unix.ESRCH) {
		return nil
	}
	if err != nil {
		return nil
	}
	return serr
}

// Resize sets the terminal's size; without one it does nothing.
func (p *Process) Resize(w, h uint16) error {
	if p.master == nil {
		return nil
	}
	return pty.Setsize(p.master, &pty.Winsize{Rows: h, Cols: w})
}

// Close releases the engine's ends once the caller is done with the
// process; it does not stop it.
func (p *Process) Close() error {
	p.closeStdio()
	select {
	case <-p.done:
		p.pidfd.Close()
	default:
		go func() {
			<-p.done
			p.pidfd.Close()
		}()
	}
	return nil
}

// masterInput writes to the pty master; Close leaves it open, so that the
// output goes on (a terminal's input only stops being fed).
type masterInput struct{ f *os.File }

func (m masterInput) Write(b []byte) (int, error) { return m.f.Write(b) }
func (m masterInput) Close() error                { return nil }

// ptyOutput reads the pty master: EIO once every slave is closed is the
// end of the output.
type ptyOutput struct{ f *os.File }

func (o ptyOutput) Read(b []byte) (int, error) {
	n, err := o.f.Read(b)
	if errors.Is(err, unix.EIO) {
		err = io.EOF
	}
	return n, err
}

func (o ptyOutput) Close() error { return o.f.Close() }
