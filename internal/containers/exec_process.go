package containers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/containerd/errdefs"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/skiff-engine/skiff/internal/runtime"
	"github.com/skiff-engine/skiff/internal/runtime/spec"
)

// execUser resolves an exec's --user in the running container c.
func (s *Service) execUser(c *ctr, user string) (specs.User, error) {
	c.mu.Lock()
	id, groupAdd := c.rec.ID, c.rec.HostConfig.GroupAdd
	c.mu.Unlock()
	sp, err := s.opt.Runtime.TaskSpec(id)
	if err != nil {
		return specs.User{}, err
	}
	if sp.Root == nil {
		return specs.User{}, fmt.Errorf("container %s has no root in its spec", id)
	}
	return spec.ExecUser(sp.Root.Path, user, groupAdd, s.opt.SingleID)
}

// startExecProcess starts e's process in its container, as dockerd does:
// the container's process (user, capabilities, rlimits, no_new_privs)
// with the exec's command, env, working dir and terminal; --user
// resolved in the container; all capabilities for --privileged; the
// container's seccomp filter and cgroup always.
func (s *Service) startExecProcess(ctx context.Context, e *execRec, stdin bool, consoleSize *[2]uint) (*runtime.Process, error) {
	c := e.c
	c.mu.Lock()
	task, id, cg, groupAdd := c.task, c.rec.ID, c.rec.CgroupPath, c.rec.HostConfig.GroupAdd
	c.mu.Unlock()
	if task == nil {
		return nil, errNotRunning(id)
	}
	sp, err := s.opt.Runtime.TaskSpec(id)
	if err != nil {
		return nil, err
	}
	if sp.Process == nil || sp.Root == nil {
		return nil, fmt.Errorf("container %s has no process in its spec", id)
	}
	p := *sp.Process
	p.Args = e.cmd
	p.Env = e.env
	p.Cwd = e.workingDir
	if p.Cwd == "" {
		p.Cwd = "/"
	}
	p.Terminal = e.tty
	p.ConsoleSize = nil
	if consoleSize == nil {
		consoleSize = e.consoleSize
	}
	if e.tty && consoleSize != nil {
		p.ConsoleSize = &specs.Box{Height: consoleSize[0], Width: consoleSize[1]}
	}
	if e.user != "" {
		if p.User, err = spec.ExecUser(sp.Root.Path, e.user, groupAdd, s.opt.SingleID); err != nil {
			return nil, err
		}
	}
	if e.privileged {
		p.Capabilities = spec.PrivilegedExecCaps()
	}
	cfg := runtime.ExecConfig{Process: &p, CgroupPath: cg, Stdin: stdin}
	if sp.Linux != nil {
		cfg.Seccomp = sp.Linux.Seccomp
	}
	proc, err := s.opt.Runtime.Exec(ctx, task.Pid(), cfg)
	if err != nil {
		return nil, execStartError(err)
	}
	return proc, nil
}

// execStartError words a failed start as dockerd does with runc, and
// picks the exit code from the words as dockerd's setExitCodeFromError:
// 126 cannot be invoked, 127 not found, else 128 (then a server error).
func execStartError(err error) error {
	var se *runtime.StartError
	if !errors.As(err, &se) {
		return err
	}
	msg := "OCI runtime exec failed: exec failed: unable to start container process: " + se.Msg + ": unknown"
	has := func(w string) bool { return strings.Contains(strings.ToLower(msg), w) }
	code := 0
	switch {
	case has("permission denied"):
		code = codeNotRunnable
	case has("is a directory"):
		msg += ": permission denied" // the word the docker CLI looks for
		code = codeNotRunnable
	case has("not a directory"), has("executable file not found"), has("no such file or directory"):
		code = codeNotFound
	}
	if code == 0 {
		return &execError{code: exitUnknown, err: errdefs.ErrUnknown.WithMessage(msg)}
	}
	return &execError{code: code, err: errdefs.ErrInvalidArgument.WithMessage(msg)}
}

// Exit codes of a process that could not be run (dockerd's).
const (
	codeNotRunnable = 126
	codeNotFound    = 127
)

// execError is a start failure with the exit code the exec gets for it.
type execError struct {
	code int
	err  error
}

func (e *execError) Error() string { return e.err.Error() }
func (e *execError) Unwrap() error { return e.err }

// ExitCode is the exec's exit code for the failure.
func (e *execError) ExitCode() int { return e.code }
