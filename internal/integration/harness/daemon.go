package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// Option configures StartDaemon and RunDaemon.
type Option func(*options)

type options struct {
	args         []string
	env          []string
	unset        []string
	daemonJSON   *string
	rootful      bool
	idle         time.Duration
	startTimeout time.Duration
	singleID     bool
}

// skiffOnly reports whether the options only make sense for a skiff daemon.
func (o *options) skiffOnly() bool {
	return len(o.args) > 0 || len(o.env) > 0 || len(o.unset) > 0 || o.daemonJSON != nil || o.rootful || o.idle > 0 || o.singleID
}

// WithArgs appends arguments to `skiff daemon`.
func WithArgs(args ...string) Option { return func(o *options) { o.args = append(o.args, args...) } }

// WithEnv sets KEY=VALUE variables in the daemon's environment.
func WithEnv(kv ...string) Option { return func(o *options) { o.env = append(o.env, kv...) } }

// WithoutEnv removes variables (HOME, XDG_RUNTIME_DIR, ...) from the daemon's environment.
func WithoutEnv(keys ...string) Option {
	return func(o *options) { o.unset = append(o.unset, keys...) }
}

// WithDaemonJSON writes daemon.json with this content where the daemon reads it.
func WithDaemonJSON(content string) Option { return func(o *options) { o.daemonJSON = &content } }

// Rootful runs the daemon as root (rootful mode), with -H, --data-root and
// --config-file in the test's temp directory. Skips when the tests don't run as root.
func Rootful() Option { return func(o *options) { o.rootful = true } }

// WithIdleTimeout passes --idle-timeout.
func WithIdleTimeout(d time.Duration) Option { return func(o *options) { o.idle = d } }

// WithStartTimeout bounds the wait for /_ping (default 60 s).
func WithStartTimeout(d time.Duration) Option { return func(o *options) { o.startTimeout = d } }

// SingleID lets the daemon start without newuidmap/newgidmap (the single-id fallback).
func SingleID() Option { return func(o *options) { o.singleID = true } }

// Daemon is a skiff daemon under test, or (SKIFF_TEST_TARGET=docker) the
// real dockerd named by DOCKER_HOST.
type Daemon struct {
	t testing.TB
	// Socket is the API socket path ("" for a tcp:// docker target).
	Socket string
	// Host is the daemon address, "unix://" + Socket.
	Host string
	// Env holds the daemon's directories (nil for a docker target).
	Env *Env
	// IsRootful is true for a daemon started with Rootful().
	IsRootful bool

	dockerConfig string
	isDocker     bool

	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
	// shared: another daemon owns the Env's processes (RunAnother).
	shared bool
	st     *procState
}

// procState is what copies of a Daemon made by For share.
type procState struct {
	mu         sync.Mutex
	exitCode   int
	terminated bool // we sent SIGTERM
	killed     bool
	cli        *client.Client
}

// For returns d bound to t, so that its helpers fail t: use it in subtests.
func (d *Daemon) For(t testing.TB) *Daemon {
	c := *d
	c.t = t
	return &c
}

// StartDaemon starts `skiff daemon` as the test user with fresh
// directories and returns once GET /_ping on its socket answers. Teardown
// stops it and fails the test if it leaves a process, a mount or its socket
// behind.
func StartDaemon(t testing.TB, opts ...Option) *Daemon {
	t.Helper()
	o := collect(opts)
	if TargetIsDocker() {
		if o.skiffOnly() {
			t.Skip("skiff-only: daemon options don't apply to SKIFF_TEST_TARGET=docker")
		}
		return dockerTarget(t)
	}
	d := launch(t, o, nil)
	d.waitReady(o.startTimeout)
	return d
}

// RunDaemon starts `skiff daemon` with fresh directories and waits (up to
// timeout) for it to exit on its own, as a daemon with a bad configuration
// must. It fails the test if the daemon is still running then.
func RunDaemon(t testing.TB, timeout time.Duration, opts ...Option) Result {
	t.Helper()
	SkiffOnly(t)
	return launch(t, collect(opts), nil).runToExit(timeout)
}

// RunAnother starts a second `skiff daemon` with d's directories and
// environment (and extra args) and waits for it to exit, as it must while d runs.
func (d *Daemon) RunAnother(timeout time.Duration, args ...string) Result {
	d.t.Helper()
	d.needSkiff("RunAnother")
	o := &options{args: args, rootful: d.IsRootful}
	if d.IsRootful {
		o.args = append([]string{"-H", d.Host, "--data-root", filepath.Join(d.Env.Base, "data"), "--config-file", filepath.Join(d.Env.Base, "etc", "daemon.json")}, args...)
	}
	return launch(d.t, o, d.Env).runToExit(timeout)
}

func collect(opts []Option) *options {
	o := &options{startTimeout: 60 * time.Second}
	for _, f := range opts {
		f(o)
	}
	return o
}

// launch starts a daemon process; with env set it reuses that Env (a second
// daemon) instead of making one.
func launch(t testing.TB, o *options, env *Env) *Daemon {
	t.Helper()
	shared := env != nil
	if env == nil {
		env = NewEnv(t)
	}
	if o.rootful && os.Geteuid() != 0 {
		t.Skip("rootful mode needs the tests to run as root")
	}
	if !o.rootful && !o.singleID {
		NeedIDMapTools(t)
	}
	bin := Binary(t)
	d := &Daemon{t: t, Env: env, IsRootful: o.rootful, log: &syncBuffer{}, done: make(chan struct{}), shared: shared, st: &procState{}}
	d.dockerConfig = filepath.Join(env.Base, "docker-config")
	if err := os.MkdirAll(d.dockerConfig, 0o700); err != nil {
		t.Fatal(err)
	}

	args := []string{"daemon"}
	if !hasFlag(o.args, "--log-level") {
		args = append(args, "--log-level", "debug")
	}
	if o.idle > 0 {
		args = append(args, "--idle-timeout", o.idle.String())
	}
	var cmd *exec.Cmd
	if o.rootful {
		d.Socket = filepath.Join(env.Base, "skiff.sock")
		cfg := filepath.Join(env.Base, "etc", "daemon.json")
		if !shared {
			content := "{}\n"
			if o.daemonJSON != nil {
				content = *o.daemonJSON
			}
			if err := os.MkdirAll(filepath.Dir(cfg), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(cfg, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			args = append(args, "-H", "unix://"+d.Socket, "--data-root", filepath.Join(env.Base, "data"), "--config-file", cfg)
		}
		args = append(args, o.args...)
		cmd = exec.Command(bin, args...)
		cmd.Dir = env.Base
		cmd.Env = rootfulEnviron(env, o)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	} else {
		d.Socket = env.DefaultSocket()
		if o.daemonJSON != nil {
			env.WriteFile(t, env.DaemonConfigPath(), *o.daemonJSON)
		}
		args = append(args, o.args...)
		cmd = env.Command(bin, args...)
		cmd.Env = env.Environ(o.env, o.unset)
	}
	if h := flagValue(o.args, "-H", "--host"); h != "" {
		d.Socket = strings.TrimPrefix(h, "unix://")
	}
	d.Host = "unix://" + d.Socket
	cmd.Stdout = d.log
	cmd.Stderr = d.log
	d.cmd = cmd
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", cmd, err)
	}
	t.Logf("started %s (pid %d) as uid %d", strings.Join(cmd.Args, " "), cmd.Process.Pid, d.uid())
	daemonStarted()
	go func() {
		err := cmd.Wait()
		d.st.exitCode = exitCode(err)
		close(d.done)
	}()
	t.Cleanup(d.teardown)
	return d
}

func rootfulEnviron(env *Env, o *options) []string {
	m := map[string]string{
		"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME": env.Home,
		"LANG": "C.UTF-8",
	}
	k, v, _ := strings.Cut(env.Marker, "=")
	m[k] = v
	for _, kv := range o.env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	for _, k := range o.unset {
		delete(m, k)
	}
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}

func (d *Daemon) uid() int {
	if d.IsRootful || d.Env == nil {
		return os.Geteuid()
	}
	return d.Env.User.UID
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

func flagValue(args []string, names ...string) string {
	v := ""
	for i, a := range args {
		for _, n := range names {
			if a == n && i+1 < len(args) {
				v = args[i+1]
			} else if strings.HasPrefix(a, n+"=") {
				v = strings.TrimPrefix(a, n+"=")
			}
		}
	}
	return v
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	return -1
}

func (d *Daemon) waitReady(timeout time.Duration) {
	d.t.Helper()
	deadline := time.Now().Add(timeout)
	hc := &http.Client{Transport: unixTransport(d.Socket), Timeout: 2 * time.Second}
	for {
		select {
		case <-d.done:
			d.t.Fatalf("daemon exited with code %d before answering /_ping on %s; log:\n%s", d.st.exitCode, d.Socket, d.Log())
		default:
		}
		if resp, err := hc.Get("http://skiff/_ping"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("daemon did not answer GET /_ping on %s within %s; log:\n%s", d.Socket, timeout, d.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (d *Daemon) runToExit(timeout time.Duration) Result {
	d.t.Helper()
	code, ok := d.Wait(timeout)
	if !ok {
		d.t.Errorf("daemon still running %s after start, expected it to exit; log:\n%s", timeout, d.Log())
		d.Kill()
		code = d.st.exitCode
	}
	log := d.Log()
	return Result{Args: d.cmd.Args, Stderr: log, Stdout: log, ExitCode: code}
}

func unixTransport(sock string) *http.Transport {
	return &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var dl net.Dialer
		return dl.DialContext(ctx, "unix", sock)
	}}
}

// Pid is the daemon process's pid (the RootlessKit parent when rootless).
func (d *Daemon) Pid() int {
	d.needSkiff("Pid")
	return d.cmd.Process.Pid
}

// Log is what the daemon wrote to stdout and stderr so far.
func (d *Daemon) Log() string {
	if d.log == nil {
		return ""
	}
	return d.log.String()
}

// Wait waits up to timeout for the daemon to exit and returns its exit code
// (128+signal when killed by one) and whether it exited.
func (d *Daemon) Wait(timeout time.Duration) (int, bool) {
	d.needSkiff("Wait")
	select {
	case <-d.done:
		return d.st.exitCode, true
	case <-time.After(timeout):
		return 0, false
	}
}

// Exited reports whether the daemon process has exited.
func (d *Daemon) Exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// Stop sends SIGTERM and expects exit code 0 within 10 s.
func (d *Daemon) Stop() {
	d.t.Helper()
	d.needSkiff("Stop")
	if d.Exited() {
		return
	}
	d.st.mu.Lock()
	d.st.terminated = true
	d.st.mu.Unlock()
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	code, ok := d.Wait(10 * time.Second)
	if !ok {
		d.t.Errorf("daemon did not exit within 10s of SIGTERM; log:\n%s", d.Log())
		d.Kill()
		return
	}
	if code != 0 {
		d.t.Errorf("daemon exited with code %d after SIGTERM, want 0; log:\n%s", code, d.Log())
	}
}

// Kill SIGKILLs the daemon process (not its children: they must follow on
// their own) and waits for it.
func (d *Daemon) Kill() {
	d.needSkiff("Kill")
	d.st.mu.Lock()
	d.st.killed = true
	d.st.mu.Unlock()
	_ = d.cmd.Process.Kill()
	<-d.done
}

func (d *Daemon) needSkiff(what string) {
	if d.isDocker {
		d.t.Fatalf("Daemon.%s needs a skiff daemon: call harness.SkiffOnly(t) first", what)
	}
	if d.cmd == nil {
		d.t.Fatalf("Daemon.%s: this Daemon has no process of its own (socket activation: use the Activation)", what)
	}
}

func (d *Daemon) teardown() {
	t := d.t
	defer daemonDone()
	if d.st.cli != nil {
		_ = d.st.cli.Close()
	}
	if !d.Exited() {
		d.Stop()
	}
	pgid := d.cmd.Process.Pid
	marker := d.Env.Marker
	byUser := !d.shared && !othersLive() && !d.IsRootful && aloneOnUser()
	if d.shared {
		marker = ""
	}
	if left := waitNoLeftovers(10*time.Second, []int{pgid}, marker, d.Env.User, byUser); len(left) > 0 {
		var b strings.Builder
		for _, p := range left {
			fmt.Fprintf(&b, "\n  %s", p)
		}
		t.Errorf("processes left behind by the daemon (now killed):%s", b.String())
	}
	d.st.mu.Lock()
	cleanStop := d.st.terminated && !d.st.killed
	d.st.mu.Unlock()
	if cleanStop && !d.shared {
		if _, err := os.Lstat(d.Socket); err == nil {
			t.Errorf("socket %s left behind after SIGTERM", d.Socket)
		}
	}
	if t.Failed() {
		t.Logf("daemon (pid %d, exit %d) log:\n%s", pgid, d.st.exitCode, d.Log())
	}
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a child's
// stdout and stderr.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
