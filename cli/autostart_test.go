package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// killPidfile ends a fake daemon that wrote its pid to path.
func killPidfile(t *testing.T, path string) {
	t.Cleanup(func() {
		b, err := os.ReadFile(path)
		if err != nil {
			return
		}
		if pid, err := strconv.Atoi(string(b)); err == nil && pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
}

// testAutostart returns an app.autostart that runs this test binary in role.
func testAutostart(t *testing.T, role, sock, logPath string, stderr *bytes.Buffer, timeout time.Duration) func(context.Context, string, func(context.Context) error) error {
	pidfile := filepath.Join(filepath.Dir(sock), "daemon.pid")
	killPidfile(t, pidfile)
	return func(ctx context.Context, socket string, ping func(context.Context) error) error {
		return startDetached(ctx, daemonStart{
			Argv:     []string{os.Args[0], "daemon"},
			Socket:   socket,
			LogPath:  logPath,
			Ping:     ping,
			Timeout:  timeout,
			Interval: 20 * time.Millisecond,
			Env:      append(os.Environ(), "SKIFF_TEST_ROLE="+role, "SKIFF_TEST_SOCK="+sock, "SKIFF_TEST_PIDFILE="+pidfile),
			Stderr:   stderr,
		})
	}
}

func newTestApp(sock string, env map[string]string) (*app, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	a := newApp(Streams{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, Build{Version: "t"}, Roles{}, mapEnv(env))
	a.defaultHost = func() (string, error) { return "unix://" + sock, nil }
	return a, &out, &errb
}

func TestAutostartStartsDaemon(t *testing.T) {
	dir := shortTempDir(t)
	sock := filepath.Join(dir, "skiff.sock")
	logPath := filepath.Join(dir, "state", "skiff", "daemon.log")
	a, out, errb := newTestApp(sock, nil)
	a.autostart = testAutostart(t, "fake-daemon", sock, logPath, errb, 10*time.Second)
	// info needs /info, which the fake lacks: what matters is that the
	// daemon was started and answered before the request.
	a.run(context.Background(), []string{"info", "--format", "{{.ClientInfo.Version}}"})
	want := "skiff: started a daemon at " + sock + " (log: " + logPath + ")\n"
	if !strings.HasPrefix(errb.String(), want) {
		t.Errorf("stderr %q, want prefix %q", errb.String(), want)
	}
	if strings.Count(errb.String(), "started a daemon") != 1 {
		t.Errorf("expected exactly one notice: %q", errb.String())
	}
	if out.String() != "t\n" {
		t.Errorf("stdout %q", out.String())
	}
	st, err := os.Stat(filepath.Dir(logPath))
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("log dir: %v %v", st.Mode(), err)
	}
	log, _ := os.ReadFile(logPath)
	if !strings.Contains(string(log), "fake daemon starting") {
		t.Errorf("daemon stdout not in log: %q", log)
	}

	// A second invocation finds the daemon running and starts nothing.
	a2, _, errb2 := newTestApp(sock, nil)
	a2.autostart = func(context.Context, string, func(context.Context) error) error {
		t.Error("autostart called with a daemon running")
		return nil
	}
	if _, err := a2.withGlobals().apiClient(); err != nil {
		t.Fatal(err)
	}
	if errb2.Len() != 0 {
		t.Errorf("stderr %q", errb2.String())
	}
}

func TestAutostartFailureShowsLog(t *testing.T) {
	dir := shortTempDir(t)
	sock := filepath.Join(dir, "skiff.sock")
	logPath := filepath.Join(dir, "daemon.log")
	// An old run's lines must not be shown as this run's.
	if err := os.WriteFile(logPath, []byte("old line from yesterday\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, _, errb := newTestApp(sock, nil)
	a.autostart = testAutostart(t, "failing-daemon", sock, logPath, errb, 10*time.Second)
	code := a.run(context.Background(), []string{"version"})
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	s := errb.String()
	for _, want := range []string{"boom: cannot create the API socket", "could not start a daemon at " + sock, "the daemon exited: exit status 2"} {
		if !strings.Contains(s, want) {
			t.Errorf("stderr lacks %q: %q", want, s)
		}
	}
	if strings.Contains(s, "yesterday") {
		t.Errorf("stderr shows an old log line: %q", s)
	}
}

func TestAutostartTimeout(t *testing.T) {
	dir := shortTempDir(t)
	sock := filepath.Join(dir, "skiff.sock")
	var errb bytes.Buffer
	start := time.Now()
	err := testAutostart(t, "silent-daemon", sock, filepath.Join(dir, "daemon.log"), &errb, 300*time.Millisecond)(
		context.Background(), sock, func(context.Context) error { return os.ErrNotExist })
	if err == nil || !strings.Contains(err.Error(), "no answer after 300ms") {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %s", time.Since(start))
	}
}

func TestAutostartDisabled(t *testing.T) {
	for _, env := range []map[string]string{
		{"SKIFF_NO_AUTOSTART": "1"},
		{"DOCKER_HOST": "unix:///nonexistent/docker.sock"}, // an explicit host is never started
	} {
		a, _, errb := newTestApp("/nonexistent/skiff.sock", env)
		a.autostart = func(context.Context, string, func(context.Context) error) error {
			t.Errorf("%v: autostart called", env)
			return nil
		}
		if code := a.run(context.Background(), []string{"version"}); code != 1 {
			t.Errorf("%v: exit %d", env, code)
		}
		if !strings.Contains(errb.String(), "Cannot connect to the skiff daemon at unix:///nonexistent/") {
			t.Errorf("%v: stderr %q", env, errb.String())
		}
	}
}

// withGlobals readies a for a direct apiClient call, as run would.
func (a *app) withGlobals() *app {
	a.globals = &globals{}
	a.ctx = context.Background()
	return a
}
