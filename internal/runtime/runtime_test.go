package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/skiff-engine/skiff/internal/logs/jsonfile"
	"github.com/skiff-engine/skiff/internal/runtime"
)

func newRuntime(t *testing.T) (*runtime.Runtime, string) {
	t.Helper()
	dir := t.TempDir()
	rt, err := runtime.New(runtime.Options{RunDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt, dir
}

func spec(args ...string) *specs.Spec {
	return &specs.Spec{
		Version: specs.Version,
		Process: &specs.Process{Args: args, Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, Cwd: "/"},
		Root:    &specs.Root{Path: "/"},
		Linux:   &specs.Linux{},
	}
}

var nextID int

func create(t *testing.T, rt *runtime.Runtime, b runtime.Bundle) *runtime.Task {
	t.Helper()
	if b.ID == "" {
		nextID++
		b.ID = strings.Repeat("c", 60) + strconv.Itoa(1000+nextID)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	task, err := rt.Create(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		task.Kill(syscall.SIGKILL, true)
		task.Close()
	})
	return task
}

func wait(t *testing.T, task *runtime.Task) runtime.Exit {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ex, err := task.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

// readAll reads both streams concurrently, as Attach requires.
func readAll(t *testing.T, st runtime.Streams) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	var wg sync.WaitGroup
	for _, p := range []struct {
		r io.ReadCloser
		b *bytes.Buffer
	}{{st.Stdout, &out}, {st.Stderr, &errb}} {
		if p.r == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer p.r.Close()
			if _, err := io.Copy(p.b, p.r); err != nil {
				t.Errorf("reading attach: %v", err)
			}
		}()
	}
	wg.Wait()
	return out.String(), errb.String()
}

func TestOutputLogExitDelete(t *testing.T) {
	rt, dir := newRuntime(t)
	logPath := filepath.Join(t.TempDir(), "c.log")
	id := strings.Repeat("a", 64)
	task := create(t, rt, runtime.Bundle{ID: id, Spec: spec("sh", "-c", "echo out; echo err >&2; exit 3"), LogPath: logPath})
	if task.Pid() <= 0 {
		t.Fatalf("pid %d", task.Pid())
	}
	ctx := context.Background()
	var streams [2]runtime.Streams
	for i := range streams {
		st, err := task.Attach(ctx, runtime.AttachOptions{Stdout: true, Stderr: true})
		if err != nil {
			t.Fatal(err)
		}
		streams[i] = st
	}
	start := time.Now()
	if err := task.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("start took %v", time.Since(start))
	for i, st := range streams {
		out, errs := readAll(t, st)
		if out != "out\n" || errs != "err\n" {
			t.Errorf("attach %d: stdout %q stderr %q", i, out, errs)
		}
	}
	ex := wait(t, task)
	if ex.Code != 3 || ex.ExitedAt.IsZero() {
		t.Fatalf("exit %+v", ex)
	}
	rec, ok := runtime.ReadExit(dir, id)
	if !ok || rec.Code != 3 {
		t.Fatalf("recorded exit %+v %v", rec, ok)
	}
	logs := readLog(t, logPath)
	if len(logs) != 2 || logs["stdout"] != "out\n" || logs["stderr"] != "err\n" {
		t.Fatalf("log %v", logs)
	}
	if err := task.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "containers", id), filepath.Join(dir, "shims", id[:16]+".sock")} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there after delete: %v", p, err)
		}
	}
}

func readLog(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	streams := map[string]*strings.Builder{}
	dec := jsonDecoder(b)
	for {
		var e jsonfile.Entry
		if err := dec.Decode(&e); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if streams[e.Stream] == nil {
			streams[e.Stream] = &strings.Builder{}
		}
		streams[e.Stream].WriteString(e.Log)
	}
	got := map[string]string{}
	for k, v := range streams {
		got[k] = v.String()
	}
	return got
}

func TestStartNotFound(t *testing.T) {
	rt, _ := newRuntime(t)
	task := create(t, rt, runtime.Bundle{Spec: spec("nosuch")})
	err := task.Start(context.Background())
	var ec runtime.ExitCoder
	if !errors.As(err, &ec) || ec.ExitCode() != 127 {
		t.Fatalf("start: %v", err)
	}
	if want := `exec: "nosuch": executable file not found in $PATH`; err.Error() != want {
		t.Fatalf("message %q, want %q", err, want)
	}
	if ex := wait(t, task); ex.Code != 127 || ex.Err == "" {
		t.Fatalf("exit %+v", ex)
	}
	if err := task.Delete(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestSetupError(t *testing.T) {
	rt, dir := newRuntime(t)
	s := spec("true")
	s.Annotations = map[string]string{failSetup: "mounting /proc: no"}
	_, err := rt.Create(context.Background(), runtime.Bundle{ID: "setupfail", Spec: s})
	var ec runtime.ExitCoder
	if !errors.As(err, &ec) || ec.ExitCode() != 125 || err.Error() != "mounting /proc: no" {
		t.Fatalf("create: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "containers", "setupfail")); !os.IsNotExist(err) {
		t.Fatalf("bundle left after a failed create: %v", err)
	}
}

func TestReconnectKillWait(t *testing.T) {
	rt, _ := newRuntime(t)
	id := "reconnect"
	task := create(t, rt, runtime.Bundle{ID: id, Spec: spec("sleep", "30")})
	ctx := context.Background()
	if err := task.Start(ctx); err != nil {
		t.Fatal(err)
	}
	pid := task.Pid()
	task.Close() // the engine goes away

	task, err := rt.Connect(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	defer task.Close()
	if task.Pid() != pid {
		t.Fatalf("pid %d after reconnect, was %d", task.Pid(), pid)
	}
	if err := task.Kill(syscall.SIGTERM, false); err != nil {
		t.Fatal(err)
	}
	if ex := wait(t, task); ex.Code != 128+int(syscall.SIGTERM) {
		t.Fatalf("exit %+v", ex)
	}
	if err := task.Kill(syscall.SIGTERM, false); !errdefs.IsConflict(err) {
		t.Fatalf("kill after exit: %v", err)
	}
	if err := task.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Connect(ctx, id); !errdefs.IsNotFound(err) {
		t.Fatalf("connect after delete: %v", err)
	}
}

// With no engine connected when the process ends, the shim records the
// exit and leaves; the next engine reads the record.
func TestExitWhileDisconnected(t *testing.T) {
	rt, dir := newRuntime(t)
	id := "disconnected"
	task := create(t, rt, runtime.Bundle{ID: id, Spec: spec("sh", "-c", "sleep 0.2; exit 7")})
	if err := task.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	task.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tk, err := rt.Connect(context.Background(), id)
		if errdefs.IsNotFound(err) {
			break
		}
		if err == nil {
			tk.Close() // else this engine counts as connected
		}
		if time.Now().After(deadline) {
			t.Fatalf("shim did not leave: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	ex, ok := runtime.ReadExit(dir, id)
	if !ok || ex.Code != 7 {
		t.Fatalf("recorded exit %+v %v", ex, ok)
	}
	if err := rt.Remove(id); err != nil {
		t.Fatal(err)
	}
	if _, ok := runtime.ReadExit(dir, id); ok {
		t.Fatal("exit still recorded after Remove")
	}
}

func TestStdinOnce(t *testing.T) {
	rt, _ := newRuntime(t)
	task := create(t, rt, runtime.Bundle{Spec: spec("cat"), OpenStdin: true, StdinOnce: true})
	ctx := context.Background()
	st, err := task.Attach(ctx, runtime.AttachOptions{Stdin: true, Stdout: true, Stderr: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(st.Stdin, "hello\n"); err != nil {
		t.Fatal(err)
	}
	st.Stdin.Close()
	out, _ := readAll(t, st)
	if out != "hello\n" {
		t.Fatalf("stdout %q", out)
	}
	if ex := wait(t, task); ex.Code != 0 {
		t.Fatalf("exit %+v", ex)
	}
}

func TestDeleteWhileRunning(t *testing.T) {
	rt, _ := newRuntime(t)
	task := create(t, rt, runtime.Bundle{Spec: spec("sleep", "30")})
	if err := task.Delete(context.Background()); !errdefs.IsConflict(err) {
		t.Fatalf("delete of a created task: %v", err)
	}
	// Killing a task that never started ends its init.
	if err := task.Kill(syscall.SIGKILL, false); err != nil {
		t.Fatal(err)
	}
	if ex := wait(t, task); ex.Code != 137 {
		t.Fatalf("exit %+v", ex)
	}
	if err := task.Delete(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestKillAll(t *testing.T) {
	rt, _ := newRuntime(t)
	// The loop keeps sh alive should its children die of the signal
	// before it gets its own: a bare wait would end the script with 0.
	task := create(t, rt, runtime.Bundle{Spec: spec("sh", "-c", "trap 'exit 5' USR1; sleep 30 & sleep 30 & while :; do wait; done")})
	if err := task.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	var kids []int
	for deadline := time.Now().Add(5 * time.Second); len(kids) < 2; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("children did not start: %v", kids)
		}
		kids = children(task.Pid())
	}
	// sh traps USR1 and exits 5; its children die of it.
	if err := task.Kill(syscall.SIGUSR1, true); err != nil {
		t.Fatal(err)
	}
	if ex := wait(t, task); ex.Code != 5 {
		t.Fatalf("exit %+v", ex)
	}
	for _, k := range kids {
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(k) + "/stat"); err == nil && !strings.Contains(string(b), ") Z ") {
			t.Errorf("child %d survived: %s", k, b)
		}
	}
}

func children(pid int) []int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(pid) + "/children")
	if err != nil {
		return nil
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// The namespaces the spec lists are created for init.
func TestNamespaces(t *testing.T) {
	rt, _ := newRuntime(t)
	s := spec("sh", "-c", "echo $$; hostname")
	s.Linux.Namespaces = []specs.LinuxNamespace{{Type: specs.PIDNamespace}, {Type: specs.UTSNamespace}, {Type: specs.MountNamespace}, {Type: specs.IPCNamespace}, {Type: specs.NetworkNamespace}}
	task := create(t, rt, runtime.Bundle{Spec: s})
	st, err := task.Attach(context.Background(), runtime.AttachOptions{Stdout: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	out, _ := readAll(t, st)
	host, _ := os.Hostname()
	if out != "1\n"+host+"\n" {
		t.Fatalf("output %q", out)
	}
	if ex := wait(t, task); ex.Code != 0 {
		t.Fatalf("exit %+v", ex)
	}
	if err := task.Delete(context.Background()); err != nil {
		t.Fatal(err)
	}
}
