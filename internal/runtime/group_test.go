package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/containerd/errdefs"

	"github.com/skiff-engine/skiff/internal/runtime"
)

func newGroupRuntime(t *testing.T, size int) *runtime.Runtime {
	t.Helper()
	rt, err := runtime.New(runtime.Options{RunDir: t.TempDir(), ShimGroupSize: size})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt
}

// shimOf is the shim process of a task: init's parent.
func shimOf(t *testing.T, task *runtime.Task) int {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(task.Pid()) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		t.Fatal(err)
	}
	return ppid
}

// awaitGone waits for process pid to be gone (this test process reaps the
// shims it started).
func awaitGone(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); os.IsNotExist(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("shim %d is still there", pid)
		}
	}
}

func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err == nil && !strings.Contains(string(b), ") Z ")
}

func finish(t *testing.T, task *runtime.Task, code int) {
	t.Helper()
	if ex := wait(t, task); ex.Code != code {
		t.Fatalf("exit %+v, want code %d", ex, code)
	}
	if err := task.Delete(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Containers of one group share a shim process and each keeps its own
// output, log and exit code; a full group makes the next container start
// a new shim; the shim leaves after its last container is deleted.
func TestGroupSharesShim(t *testing.T) {
	rt := newGroupRuntime(t, 3)
	ctx := context.Background()
	logDir := t.TempDir()
	var tasks []*runtime.Task
	for i := range 3 {
		script := fmt.Sprintf("echo out%d; echo err%d >&2; exit %d", i, i, 10+i)
		tasks = append(tasks, create(t, rt, runtime.Bundle{
			ID: fmt.Sprintf("group%d", i), Spec: spec("sh", "-c", script), LogPath: filepath.Join(logDir, strconv.Itoa(i)),
		}))
	}
	shim := shimOf(t, tasks[0])
	for i, task := range tasks {
		if got := shimOf(t, task); got != shim {
			t.Fatalf("container %d is in shim %d, container 0 in %d", i, got, shim)
		}
	}
	fourth := create(t, rt, runtime.Bundle{ID: "group3", Spec: spec("sleep", "30")})
	if other := shimOf(t, fourth); other == shim {
		t.Fatalf("a fourth container went into the full group's shim %d", shim)
	}
	for i, task := range tasks {
		st, err := task.Attach(ctx, runtime.AttachOptions{Stdout: true, Stderr: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := task.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if out, errs := readAll(t, st); out != fmt.Sprintf("out%d\n", i) || errs != fmt.Sprintf("err%d\n", i) {
			t.Errorf("container %d: stdout %q stderr %q", i, out, errs)
		}
	}
	for i, task := range tasks {
		finish(t, task, 10+i)
		logs := readLog(t, filepath.Join(logDir, strconv.Itoa(i)))
		if logs["stdout"] != fmt.Sprintf("out%d\n", i) || logs["stderr"] != fmt.Sprintf("err%d\n", i) {
			t.Errorf("container %d: log %v", i, logs)
		}
		if i < len(tasks)-1 && !alive(shim) {
			t.Fatalf("the shim left with %d containers still in it", len(tasks)-1-i)
		}
	}
	awaitGone(t, shim)
	other := shimOf(t, fourth)
	fourth.Kill(syscall.SIGKILL, false)
	finish(t, fourth, 137)
	awaitGone(t, other)
}

// Group size 1 is a shim per container, which leaves when its container
// is deleted.
func TestGroupSizeOne(t *testing.T) {
	rt := newGroupRuntime(t, 1)
	a := create(t, rt, runtime.Bundle{ID: "one-a", Spec: spec("sleep", "30")})
	b := create(t, rt, runtime.Bundle{ID: "one-b", Spec: spec("sleep", "30")})
	sa, sb := shimOf(t, a), shimOf(t, b)
	if sa == sb {
		t.Fatalf("both containers in shim %d", sa)
	}
	a.Kill(syscall.SIGKILL, false)
	finish(t, a, 137)
	awaitGone(t, sa)
	if !alive(sb) {
		t.Fatal("the other container's shim left too")
	}
	b.Kill(syscall.SIGKILL, false)
	finish(t, b, 137)
	awaitGone(t, sb)
}

// One container of a group ending (and failing to set up) leaves the
// others running; its place is taken again.
func TestGroupMemberExits(t *testing.T) {
	rt := newGroupRuntime(t, 3)
	ctx := context.Background()
	a := create(t, rt, runtime.Bundle{ID: "member-a", Spec: spec("sleep", "30")})
	b := create(t, rt, runtime.Bundle{ID: "member-b", Spec: spec("sh", "-c", "exit 4")})
	for _, task := range []*runtime.Task{a, b} {
		if err := task.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	shim := shimOf(t, a)
	finish(t, b, 4)

	bad := spec("true")
	bad.Annotations = map[string]string{failSetup: "no such mount"}
	if _, err := rt.Create(ctx, runtime.Bundle{ID: "member-bad", Spec: bad}); err == nil || err.Error() != "no such mount" {
		t.Fatalf("create: %v", err)
	}
	if !alive(shim) || !alive(a.Pid()) {
		t.Fatal("a failed set-up took the group down")
	}
	// Two places are free again (b's and the failed one's).
	c := create(t, rt, runtime.Bundle{ID: "member-c", Spec: spec("sleep", "30")})
	d := create(t, rt, runtime.Bundle{ID: "member-d", Spec: spec("sleep", "30")})
	for _, task := range []*runtime.Task{c, d} {
		if got := shimOf(t, task); got != shim {
			t.Fatalf("container in shim %d, not the group's %d with room", got, shim)
		}
	}
	for _, task := range []*runtime.Task{a, c, d} {
		if err := task.Kill(syscall.SIGTERM, false); err != nil {
			t.Fatal(err)
		}
		finish(t, task, 128+int(syscall.SIGTERM))
	}
	awaitGone(t, shim)
}

// An engine that closes its runtime (or dies) leaves its shims serving
// their containers; a later engine finds them, and once they are deleted
// the shim leaves.
func TestGroupOutlivesRuntime(t *testing.T) {
	dir := t.TempDir()
	rt, err := runtime.New(runtime.Options{RunDir: dir, ShimGroupSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ids := []string{"outlive-a", "outlive-b"}
	var shim int
	for _, id := range ids {
		task := create(t, rt, runtime.Bundle{ID: id, Spec: spec("sleep", "30")})
		if err := task.Start(ctx); err != nil {
			t.Fatal(err)
		}
		shim = shimOf(t, task)
		task.Close()
	}
	rt.Close()

	rt3, err := runtime.New(runtime.Options{RunDir: dir, ShimGroupSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer rt3.Close()
	fresh := create(t, rt3, runtime.Bundle{ID: "outlive-new", Spec: spec("sleep", "30")})
	if shimOf(t, fresh) == shim {
		t.Fatal("a new engine handed a container to an old engine's shim")
	}
	for _, id := range ids {
		task, err := rt3.Connect(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !alive(shim) {
			t.Fatal("the old shim left with containers running")
		}
		task.Kill(syscall.SIGKILL, false)
		finish(t, task, 137)
	}
	awaitGone(t, shim)
	fresh.Kill(syscall.SIGKILL, false)
	finish(t, fresh, 137)
}

// Concurrent creates fill groups without overfilling one.
func TestGroupConcurrentCreates(t *testing.T) {
	const size, n = 4, 10
	rt := newGroupRuntime(t, size)
	tasks := make([]*runtime.Task, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			task, err := rt.Create(ctx, runtime.Bundle{ID: fmt.Sprintf("concurrent%02d", i), Spec: spec("sleep", "30")})
			if err != nil {
				errs <- err
				return
			}
			tasks[i] = task
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	perShim := map[int]int{}
	for _, task := range tasks {
		t.Cleanup(func() { task.Kill(syscall.SIGKILL, true); task.Close() })
		perShim[shimOf(t, task)]++
	}
	if len(perShim) != (n+size-1)/size {
		t.Errorf("%d containers in %d shims of %d: %v", n, len(perShim), size, perShim)
	}
	for shim, k := range perShim {
		if k > size {
			t.Errorf("shim %d serves %d containers, more than %d", shim, k, size)
		}
	}
	for _, task := range tasks {
		task.Kill(syscall.SIGKILL, false)
		finish(t, task, 137)
	}
	for shim := range perShim {
		awaitGone(t, shim)
	}
}

// A create given up while init sets up leaves nothing: when the shim
// answers late, the container is killed and its instance ends; the group
// goes on taking containers.
func TestGroupAbandonedCreate(t *testing.T) {
	rt := newGroupRuntime(t, 4)
	a := create(t, rt, runtime.Bundle{ID: "abandon-a", Spec: spec("sleep", "30")})
	shim := shimOf(t, a)
	slow := spec("sleep", "30")
	slow.Annotations = map[string]string{slowSetup: "500ms"}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := rt.Create(ctx, runtime.Bundle{ID: "abandon-slow", Spec: slow}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("create: %v", err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		tk, err := rt.Connect(context.Background(), "abandon-slow")
		if errdefs.IsNotFound(err) {
			break
		}
		if err == nil {
			tk.Close() // else this engine counts as connected
		}
		if time.Now().After(deadline) {
			t.Fatalf("the abandoned container is still served: %v", err)
		}
	}
	b := create(t, rt, runtime.Bundle{ID: "abandon-b", Spec: spec("sleep", "30")})
	if shimOf(t, b) != shim {
		t.Fatal("the group stopped taking containers")
	}
	for _, task := range []*runtime.Task{a, b} {
		task.Kill(syscall.SIGKILL, false)
		finish(t, task, 137)
	}
	awaitGone(t, shim)
}
