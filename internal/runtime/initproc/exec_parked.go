package initproc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"syscall"
	"unsafe"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// EnvExecParked, set to "1", starts the exec role parked: it waits on its
// sync socket for one ExecRequest instead of reading a spec at once. The
// engine keeps one parked role ready, so that the Go runtime and package
// start-up of this binary (most of an exec's cost) is paid before the
// request comes.
const EnvExecParked = "_SKIFF_EXEC_PARKED"

// ExecRequest is what a parked exec role receives, in one datagram whose
// SCM_RIGHTS carry stdin, stdout, stderr, then Namespaces namespace fds
// to join in order (mount last).
type ExecRequest struct {
	Process *specs.Process `json:"process"`
	// Seccomp is the container's compiled filter, sock_filter structs in
	// native byte order (the engine compiles the profile the container's
	// init compiled); empty for none.
	Seccomp      []byte `json:"seccomp,omitempty"`
	SeccompFlags uint   `json:"seccompFlags,omitempty"`
	Namespaces   int    `json:"namespaces"`
}

// ExecMsg is a datagram from the exec role to the engine: "started" with
// the process's pid (and its pidfd in SCM_RIGHTS), then "exit" with its
// exit code (128+signal when killed); or "error" with Docker's exit code
// for a process that could not be started.
type ExecMsg struct {
	Type     string `json:"type"`
	Message  string `json:"message,omitempty"`
	ExitCode int    `json:"exitCode,omitempty"`
	Pid      int    `json:"pid,omitempty"`
}

// maxExecRequest bounds a request: a process spec and a filter of at most
// 4096 instructions.
const maxExecRequest = 256 << 10

// execParked serves one request: it starts the user's process from a
// thread that joined the container's namespaces and took its hardening,
// reports it, waits for it and exits with its code. The role is the
// process's parent, the engine's child, never inside the container.
func execParked(sync *syncConn) int {
	type result struct {
		pid, pidfd int
		err        error
	}
	done := make(chan result, 1)
	go func() {
		// The thread that will be hardened: made, and everything that
		// does not depend on the request done, while parked. It is
		// never unlocked, so it ends with its goroutine and nothing
		// else ever runs with the container's credentials or filter.
		runtime.LockOSThread()
		pre, prepErr := prepareExec()
		req, fds, err := recvExecRequest(sync.fd)
		if err == nil {
			err = prepErr
		}
		var r result
		if err == nil {
			r.pid, r.pidfd, r.err = hardenAndStart(req, fds, pre)
		} else if errors.Is(err, io.EOF) {
			r.err = err
		} else {
			r.err = setupError(err)
		}
		closeFds(fds)
		done <- r
	}()
	r := <-done
	if errors.Is(r.err, io.EOF) {
		return 0 // the engine is gone: the spare is not needed
	}
	if r.err != nil {
		return sync.fail(r.err)
	}
	if err := sync.sendExec(ExecMsg{Type: "started", Pid: r.pid}, r.pidfd); err != nil {
		// The engine is gone; the process runs on, as it would have.
		fmt.Fprintln(os.Stderr, "skiff exec: telling the engine:", err)
	}
	code := waitChild(r.pid)
	sync.sendExec(ExecMsg{Type: "exit", ExitCode: code}, -1)
	return code
}

// preparedExec is what the role reads of its own /proc before a request:
// the container's /proc (once in its mount namespace) does not show it.
type preparedExec struct {
	caps         capability.Capabilities
	last         capability.Cap
	gidMap       []idRange // nil when unreadable
	groupsDenied bool
}

// warmRequest is decoded once while parked, so that the request's decode
// finds the decoder's code and type caches warm.
const warmRequest = `{"process":{"user":{"uid":0,"gid":0,"additionalGids":[1]},"args":["a"],"env":["A=b"],"cwd":"/",` +
	`"capabilities":{"bounding":["CAP_CHOWN"],"effective":["CAP_CHOWN"],"permitted":["CAP_CHOWN"]},` +
	`"rlimits":[{"type":"RLIMIT_NOFILE","hard":1,"soft":1}],"noNewPrivileges":true,"consoleSize":{"height":1,"width":1}},` +
	`"seccomp":"AAAAAAAAAAA=","seccompFlags":0,"namespaces":0}`

func prepareExec() (*preparedExec, error) {
	var warm ExecRequest
	json.Unmarshal([]byte(warmRequest), &warm)
	caps, last, err := threadCaps()
	if err != nil {
		return nil, fmt.Errorf("capabilities: %w", err)
	}
	p := &preparedExec{caps: caps, last: last, groupsDenied: setgroupsDenied()}
	p.gidMap, _ = readIDMap("/proc/self/gid_map")
	return p, nil
}

// gidsMapped is gidsMapped() on the map read while parked.
func (p *preparedExec) gidsMapped(gids []int) bool {
	if p.gidMap == nil {
		return false
	}
	for _, g := range gids {
		if !mapped(p.gidMap, uint64(g)) {
			return false
		}
	}
	return true
}

func recvExecRequest(fd int) (*ExecRequest, []int, error) {
	buf := make([]byte, maxExecRequest)
	oob := make([]byte, unix.CmsgSpace(64*4))
	for {
		n, oobn, flags, _, err := unix.Recvmsg(fd, buf, oob, unix.MSG_CMSG_CLOEXEC)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, nil, os.NewSyscallError("recvmsg", err)
		}
		var fds []int
		if oobn > 0 {
			cmsgs, err := unix.ParseSocketControlMessage(oob[:oobn])
			if err != nil {
				return nil, nil, err
			}
			for _, c := range cmsgs {
				rights, err := unix.ParseUnixRights(&c)
				if err == nil {
					fds = append(fds, rights...)
				}
			}
		}
		if n == 0 && len(fds) == 0 {
			return nil, nil, io.EOF
		}
		if flags&(unix.MSG_TRUNC|unix.MSG_CTRUNC) != 0 {
			return nil, fds, errors.New("the exec request was truncated")
		}
		var req ExecRequest
		if err := json.Unmarshal(buf[:n], &req); err != nil {
			return nil, fds, fmt.Errorf("reading the exec request: %w", err)
		}
		if req.Process == nil || len(req.Process.Args) == 0 {
			return nil, fds, errors.New("the exec request has no process args")
		}
		if req.Namespaces < 0 || len(fds) != 3+req.Namespaces {
			return nil, fds, fmt.Errorf("the exec request came with %d fds, want %d", len(fds), 3+req.Namespaces)
		}
		if req.Process.Cwd == "" {
			req.Process.Cwd = "/"
		}
		return &req, fds, nil
	}
}

func closeFds(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}

// hardenAndStart is runProcess on this (locked, throw-away) thread,
// with a fork before the execve: join the namespaces, rlimits, no_new_privs (or an early filter),
// user and capabilities, cwd, umask, command lookup, the filter, then the
// process starts with this thread's credentials, filter and namespaces.
func hardenAndStart(req *ExecRequest, fds []int, pre *preparedExec) (int, int, error) {
	sp := req.Process
	gids := userGroups(sp.User)
	// setns into a mount namespace needs an fs of this thread's own.
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return 0, 0, setupError(os.NewSyscallError("unshare(CLONE_FS)", err))
	}
	for _, fd := range fds[3:] {
		if err := unix.Setns(fd, 0); err != nil {
			return 0, 0, setupError(fmt.Errorf("joining the container's namespaces: %w", os.NewSyscallError("setns", err)))
		}
	}
	if err := setRlimits(sp.Rlimits); err != nil {
		return 0, 0, setupError(err)
	}
	forgetNofile()
	filter, err := execFilter(req)
	if err != nil {
		return 0, 0, setupError(err)
	}
	if sp.NoNewPrivileges {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return 0, 0, setupError(os.NewSyscallError("prctl(PR_SET_NO_NEW_PRIVS)", err))
		}
	} else {
		// Loading a filter without no_new_privs needs CAP_SYS_ADMIN,
		// which the user switch may drop: load it now.
		if err := installSeccomp(filter); err != nil {
			return 0, 0, setupError(fmt.Errorf("seccomp: %w", err))
		}
		filter = nil
	}
	if err := execCredentials(sp, pre, gids); err != nil {
		return 0, 0, setupError(err)
	}
	path, env, err := enterProcess(sp)
	if err != nil {
		return 0, 0, err
	}
	if err := installSeccomp(filter); err != nil {
		return 0, 0, setupError(fmt.Errorf("seccomp: %w", err))
	}
	// Only the three stdio fds may reach the process.
	unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	pidfd := -1
	attr := &syscall.ProcAttr{
		Env:   env,
		Files: []uintptr{uintptr(fds[0]), uintptr(fds[1]), uintptr(fds[2])},
		// clone, not clone3 (Docker's profile refuses clone3): no
		// cgroup fd here; the engine sends a cgroup's execs the direct
		// way.
		Sys: &syscall.SysProcAttr{Setsid: true, Setctty: sp.Terminal, Ctty: 0, PidFD: &pidfd},
	}
	pid, err := syscall.ForkExec(path, sp.Args, attr)
	if err != nil {
		code := codeNotRunnable
		if errors.Is(err, unix.ENOENT) {
			code = codeNotFound
		}
		return 0, 0, &codeError{code: code, err: fmt.Errorf("exec %s: %w", path, err)}
	}
	return pid, pidfd, nil
}

// execCredentials is credentials() with the capabilities and the
// setgroups facts read while parked.
func execCredentials(sp *specs.Process, pre *preparedExec, gids []int) error {
	caps, last := pre.caps, pre.last
	c := sp.Capabilities
	if c != nil {
		caps.Clear(capability.BOUNDING)
		caps.Set(capability.BOUNDING, capList(c.Bounding, last)...)
		if err := caps.Apply(capability.BOUNDS); err != nil {
			return fmt.Errorf("capability bounding set: %w", err)
		}
	}
	if err := keepCaps(true); err != nil {
		return err
	}
	if err := unix.Setgroups(gids); err != nil {
		refused := errors.Is(err, unix.EPERM) || errors.Is(err, unix.EINVAL)
		if !refused || (!pre.groupsDenied && pre.gidsMapped(gids)) {
			return fmt.Errorf("setgroups %v: %w", gids, err)
		}
	}
	u := sp.User
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESGID, uintptr(u.GID), uintptr(u.GID), uintptr(u.GID)); e != 0 {
		return fmt.Errorf("setresgid %d: %w", u.GID, e)
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETRESUID, uintptr(u.UID), uintptr(u.UID), uintptr(u.UID)); e != 0 {
		return fmt.Errorf("setresuid %d: %w", u.UID, e)
	}
	if err := keepCaps(false); err != nil {
		return err
	}
	if c != nil {
		caps.Clear(capability.CAPS | capability.AMBS)
		caps.Set(capability.EFFECTIVE, capList(c.Effective, last)...)
		caps.Set(capability.PERMITTED, capList(c.Permitted, last)...)
		caps.Set(capability.INHERITABLE, capList(c.Inheritable, last)...)
		caps.Set(capability.AMBIENT, capList(c.Ambient, last)...)
		if err := caps.Apply(capability.CAPS | capability.AMBS); err != nil {
			return fmt.Errorf("capabilities: %w", err)
		}
	}
	return nil
}

// userGroups is the user's gid then its additional gids, once each.
func userGroups(u specs.User) []int {
	gids := []int{int(u.GID)}
	for _, g := range u.AdditionalGids {
		if !slices.Contains(gids, int(g)) {
			gids = append(gids, int(g))
		}
	}
	return gids
}

// forgetNofile makes Go's fork keep RLIMIT_NOFILE as set: Go raised the
// soft limit at start-up and restores its saved one in children unless
// syscall.Setrlimit was called.
func forgetNofile() {
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) == nil {
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
	}
}

// execFilter decodes the request's compiled filter.
func execFilter(req *ExecRequest) (*seccompFilter, error) {
	if len(req.Seccomp) == 0 {
		return nil, nil
	}
	size := int(unsafe.Sizeof(unix.SockFilter{}))
	if len(req.Seccomp)%size != 0 {
		return nil, fmt.Errorf("seccomp: a filter of %d bytes", len(req.Seccomp))
	}
	prog := make([]unix.SockFilter, len(req.Seccomp)/size)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&prog[0])), len(req.Seccomp)), req.Seccomp)
	return &seccompFilter{prog: prog, flags: req.SeccompFlags}, nil
}

// waitChild reaps the process and returns its exit code, 128+signal when
// a signal ended it.
func waitChild(pid int) int {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return 255
		}
		break
	}
	switch {
	case ws.Exited():
		return ws.ExitStatus()
	case ws.Signaled():
		return 128 + int(ws.Signal())
	}
	return 255
}

// sendExec sends m, with fd in SCM_RIGHTS when fd >= 0.
func (c *syncConn) sendExec(m ExecMsg, fd int) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	var oob []byte
	if fd >= 0 {
		oob = unix.UnixRights(fd)
	}
	_, err = unix.SendmsgN(c.fd, b, oob, nil, unix.MSG_NOSIGNAL)
	return err
}
