package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Activation plays systemd's part in socket activation, as a user .socket
// unit does: the test process holds the listening socket at the default
// path, and whenever a connection waits and no daemon runs, it starts
// `systemd-socket-activate -E ... skiff daemon` as the test user with the
// socket passed down (LISTEN_FDS). So the daemon can exit when idle and the
// next client re-activates it.
type Activation struct {
	// Daemon is the client side: Docker, Skiff, Python, Client, Request.
	*Daemon

	t        testing.TB
	env      *Env
	listener *os.File
	argv     []string
	stop     chan struct{}
	stopped  chan struct{}

	mu     sync.Mutex
	spawns []*spawn
}

type spawn struct {
	cmd      *exec.Cmd
	log      syncBuffer
	done     chan struct{}
	exitCode int
	termed   bool
}

// StartActivation binds the socket and starts watching it; no daemon runs
// until a client connects. Options: WithIdleTimeout, WithArgs, WithEnv,
// WithDaemonJSON.
func StartActivation(t testing.TB, opts ...Option) *Activation {
	t.Helper()
	SkiffOnly(t)
	o := collect(opts)
	ssa, err := lookPath("systemd-socket-activate")
	if err != nil {
		t.Fatal("systemd-socket-activate not found: apt-get install systemd")
	}
	if !o.singleID {
		NeedIDMapTools(t)
	}
	env := NewEnv(t)
	bin := Binary(t)
	if o.daemonJSON != nil {
		env.WriteFile(t, env.DaemonConfigPath(), *o.daemonJSON)
	}
	sock := env.DefaultSocket()
	if err := os.MkdirAll(filepath.Dir(sock), 0o700); err != nil {
		t.Fatal(err)
	}
	env.chownTree(t, env.RuntimeDir)
	ln, err := listenUnix(sock)
	if err != nil {
		t.Fatalf("listening on %s: %v", sock, err)
	}
	if env.User.Switch {
		if err := os.Lchown(sock, env.User.UID, env.User.GID); err != nil {
			t.Fatal(err)
		}
	}

	// systemd-socket-activate passes on only TERM, PATH, USER, HOME and -E.
	var argv []string
	for _, kv := range env.Environ(o.env, o.unset) {
		argv = append(argv, "-E", kv)
	}
	argv = append(argv, bin, "daemon", "--log-level", "debug")
	if o.idle > 0 {
		argv = append(argv, "--idle-timeout", o.idle.String())
	}
	argv = append(argv, o.args...)

	dockerConfig := filepath.Join(env.Base, "docker-config")
	if err := os.MkdirAll(dockerConfig, 0o700); err != nil {
		t.Fatal(err)
	}
	a := &Activation{
		Daemon:   &Daemon{t: t, Socket: sock, Host: "unix://" + sock, Env: env, dockerConfig: dockerConfig, st: &procState{}},
		t:        t,
		env:      env,
		listener: ln,
		argv:     append([]string{ssa}, argv...),
		stop:     make(chan struct{}),
		stopped:  make(chan struct{}),
	}
	daemonStarted()
	go a.supervise()
	t.Cleanup(a.teardown)
	return a
}

// listenUnix makes a blocking listening socket, as systemd hands them out.
func listenUnix(path string) (*os.File, error) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		unix.Close(fd)
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		unix.Close(fd)
		return nil, err
	}
	if err := unix.Listen(fd, 128); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), path), nil
}

func (a *Activation) supervise() {
	defer close(a.stopped)
	fd := int32(a.listener.Fd())
	for {
		for {
			select {
			case <-a.stop:
				return
			default:
			}
			pfd := []unix.PollFd{{Fd: fd, Events: unix.POLLIN}}
			if n, err := unix.Poll(pfd, 200); err == nil && n > 0 {
				break
			}
		}
		s := a.spawn()
		if s == nil {
			return
		}
		select {
		case <-s.done:
		case <-a.stop:
			return
		}
	}
}

func (a *Activation) spawn() *spawn {
	// LISTEN_PID must name the process that gets the fds: the shell execs
	// systemd-socket-activate in place, which execs skiff in place.
	cmd := a.env.Command("/bin/sh", append([]string{"-c", `LISTEN_PID=$$ LISTEN_FDS=1; export LISTEN_PID LISTEN_FDS; exec "$@"`, "sh"}, a.argv...)...)
	cmd.ExtraFiles = []*os.File{a.listener}
	s := &spawn{cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &s.log, &s.log
	if err := cmd.Start(); err != nil {
		a.t.Errorf("starting %s: %v", cmd, err)
		return nil
	}
	a.mu.Lock()
	a.spawns = append(a.spawns, s)
	a.mu.Unlock()
	go func() {
		err := cmd.Wait()
		s.exitCode = exitCode(err)
		close(s.done)
	}()
	return s
}

// Spawns is how many times a daemon was activated.
func (a *Activation) Spawns() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.spawns)
}

func (a *Activation) last() *spawn {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.spawns) == 0 {
		return nil
	}
	return a.spawns[len(a.spawns)-1]
}

// Running reports whether an activated daemon is running now.
func (a *Activation) Running() bool {
	s := a.last()
	if s == nil {
		return false
	}
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// Pid is the pid of the latest activated daemon (0 before the first).
func (a *Activation) Pid() int {
	if s := a.last(); s != nil {
		return s.cmd.Process.Pid
	}
	return 0
}

// WaitExit waits up to timeout for the latest activated daemon to exit on
// its own and returns its exit code and whether it exited.
func (a *Activation) WaitExit(timeout time.Duration) (int, bool) {
	s := a.last()
	if s == nil {
		a.t.Fatal("WaitExit: no daemon was activated yet")
	}
	select {
	case <-s.done:
		return s.exitCode, true
	case <-time.After(timeout):
		return 0, false
	}
}

// Log is the output of every activated daemon, in order.
func (a *Activation) Log() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var b strings.Builder
	for i, s := range a.spawns {
		fmt.Fprintf(&b, "=== activation %d (pid %d)\n%s", i+1, s.cmd.Process.Pid, s.log.String())
	}
	return b.String()
}

func (a *Activation) teardown() {
	t := a.t
	defer daemonDone()
	close(a.stop)
	<-a.stopped
	if a.Daemon.st.cli != nil {
		_ = a.Daemon.st.cli.Close()
	}
	a.mu.Lock()
	spawns := append([]*spawn(nil), a.spawns...)
	a.mu.Unlock()
	var pgids []int
	for i, s := range spawns {
		pgids = append(pgids, s.cmd.Process.Pid)
		select {
		case <-s.done:
		default:
			s.termed = true
			_ = s.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-s.done:
			case <-time.After(10 * time.Second):
				t.Errorf("activated daemon %d did not exit within 10s of SIGTERM", i+1)
				_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
				<-s.done
			}
		}
		if s.exitCode != 0 {
			how := "on its own"
			if s.termed {
				how = "after SIGTERM"
			}
			t.Errorf("activated daemon %d exited %s with code %d, want 0", i+1, how, s.exitCode)
		}
	}
	if left := waitNoLeftovers(10*time.Second, pgids, a.env.Marker, a.env.User, !othersLive() && aloneOnUser()); len(left) > 0 {
		var b strings.Builder
		for _, p := range left {
			fmt.Fprintf(&b, "\n  %s", p)
		}
		t.Errorf("processes left behind by activated daemons (now killed):%s", b.String())
	}
	a.listener.Close()
	_ = os.Remove(a.Socket)
	if t.Failed() {
		t.Logf("activated daemons' log:\n%s", a.Log())
	}
}
