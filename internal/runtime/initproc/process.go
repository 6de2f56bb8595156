package initproc

import (
	"errors"
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// runProcess turns this thread into the user's process, after start, in
// runc's order: no_new_privs, seccomp if it needs privilege, bounding set,
// user switch, capabilities, parent-death signal again, chdir, command
// lookup, late seccomp, execve.
// It only returns on failure; command errors carry Docker's exit codes.
func runProcess(spec *specs.Spec, filter *seccompFilter, sync *syncConn) error {
	sp := spec.Process
	parent, err := currentParentDeath()
	if err != nil {
		return setupError(err)
	}
	if sp.NoNewPrivileges {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return setupError(os.NewSyscallError("prctl(PR_SET_NO_NEW_PRIVS)", err))
		}
	} else {
		// Without no_new_privs, loading a filter needs CAP_SYS_ADMIN,
		// which the user switch below may drop: load it now.
		if err := installSeccomp(filter); err != nil {
			return setupError(fmt.Errorf("seccomp: %w", err))
		}
		filter = nil
	}
	if err := credentials(sp); err != nil {
		return setupError(err)
	}
	if err := parent.rearm(sync); err != nil {
		return setupError(err)
	}
	path, env, err := enterProcess(sp)
	if err != nil {
		return err
	}
	// As late as possible, so that few syscalls run under the filter.
	if err := installSeccomp(filter); err != nil {
		return setupError(fmt.Errorf("seccomp: %w", err))
	}
	// Nothing init or the shim opened may leak into the container.
	unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	err = unix.Exec(path, sp.Args, env)
	code := codeNotRunnable
	if errors.Is(err, unix.ENOENT) {
		code = codeNotFound
	}
	return &codeError{code: code, err: fmt.Errorf("exec %s: %w", path, err)}
}

// credentials switches this thread to the spec's user and capabilities.
func credentials(sp *specs.Process) error {
	if err := dropBounding(sp.Capabilities); err != nil {
		return fmt.Errorf("capability bounding set: %w", err)
	}
	if err := keepCaps(true); err != nil {
		return err
	}
	if err := switchUser(sp.User); err != nil {
		return err
	}
	if err := keepCaps(false); err != nil {
		return err
	}
	if err := applyCaps(sp.Capabilities); err != nil {
		return fmt.Errorf("capabilities: %w", err)
	}
	return nil
}

// processSeccomp compiles the spec's seccomp profile (nil without one).
func processSeccomp(spec *specs.Spec) (*seccompFilter, error) {
	if spec.Linux == nil {
		return nil, nil
	}
	f, err := compileSeccomp(spec.Linux.Seccomp)
	if err != nil {
		return nil, setupError(fmt.Errorf("seccomp: %w", err))
	}
	return f, nil
}

// enterProcess moves to the spec's working directory, applies its umask
// and finds its program on the environment's PATH: the last steps before
// the filter, for init and for exec alike.
func enterProcess(sp *specs.Process) (path string, env []string, err error) {
	if err := unix.Chdir(sp.Cwd); err != nil {
		return "", nil, setupError(fmt.Errorf("chdir to cwd (%q) set in config.json failed: %w", sp.Cwd, err))
	}
	umask := uint32(0o022)
	if sp.User.Umask != nil {
		umask = *sp.User.Umask
	}
	unix.Umask(int(umask))
	env = withHome(sp.Env, int(sp.User.UID))
	pathEnv, ok := envValue(env, "PATH")
	if !ok {
		pathEnv = defaultPath
	}
	path, err = lookPath(sp.Args[0], pathEnv)
	return path, env, err
}
