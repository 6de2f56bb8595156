package runtime_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/runtime"
)

// testEngineEnv makes the test binary a throwaway engine that starts one
// container in the run directory it names, says so and waits to be killed.
const testEngineEnv = "_SKIFF_TEST_ENGINE"

func testEngine(dir string) int {
	rt, err := runtime.New(runtime.Options{RunDir: dir})
	if err != nil {
		fmt.Println(err)
		return 1
	}
	task, err := rt.Create(context.Background(), runtime.Bundle{ID: "survivor", Spec: spec("sleep", "30")})
	if err == nil {
		err = task.Start(context.Background())
	}
	if err != nil {
		fmt.Println(err)
		return 1
	}
	fmt.Println("running", task.Pid())
	time.Sleep(time.Minute)
	return 0
}

// The engine may be SIGKILLed at any moment: its containers run on and a
// new engine finds them.
func TestEngineKilled(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("/proc/self/exe", "-test.run=^$")
	cmd.Env = append(os.Environ(), testEngineEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	pid, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(line), "running "))
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("engine said %q", line)
	}
	cmd.Process.Kill()
	cmd.Wait()

	rt, err := runtime.New(runtime.Options{RunDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	task, err := rt.Connect(context.Background(), "survivor")
	if err != nil {
		t.Fatal(err)
	}
	defer task.Close()
	if task.Pid() != pid {
		t.Fatalf("pid %d, the dead engine saw %d", task.Pid(), pid)
	}
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("the container died with its engine: %v", err)
	}
	if err := task.Kill(syscall.SIGKILL, true); err != nil {
		t.Fatal(err)
	}
	if ex := wait(t, task); ex.Code != 137 {
		t.Fatalf("exit %+v", ex)
	}
	if err := task.Delete(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Output larger than every buffer on the way reaches attach and log whole.
func TestLargeOutput(t *testing.T) {
	rt, _ := newRuntime(t)
	logPath := filepath.Join(t.TempDir(), "log")
	task := create(t, rt, runtime.Bundle{Spec: spec("seq", "1", "300000"), LogPath: logPath})
	st, err := task.Attach(context.Background(), runtime.AttachOptions{Stdout: true, Stderr: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	want, err := exec.Command("seq", "1", "300000").Output()
	if err != nil {
		t.Fatal(err)
	}
	// Read slowly at first, so the shim has to hold the output back.
	time.Sleep(300 * time.Millisecond)
	got, err := io.ReadAll(st.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	st.Stdout.Close()
	io.Copy(io.Discard, st.Stderr)
	st.Stderr.Close()
	if string(got) != string(want) {
		t.Fatalf("attach got %d bytes, want %d", len(got), len(want))
	}
	if ex := wait(t, task); ex.Code != 0 {
		t.Fatalf("exit %+v", ex)
	}
	if logs := readLog(t, logPath); logs["stdout"] != string(want) {
		t.Fatalf("log has %d bytes of stdout, want %d", len(logs["stdout"]), len(want))
	}
}

// A running shim costs the engine no OS thread: nothing blocks in wait4
// for it while it runs (100 containers once held 100 engine threads).
func TestShimsHoldNoThreads(t *testing.T) {
	rt, _ := newRuntime(t)
	const n = 20
	var tasks []*runtime.Task
	start := func() {
		// Socket names keep 16 characters of the id: make those differ.
		id := fmt.Sprintf("threads%02d", len(tasks))
		tasks = append(tasks, create(t, rt, runtime.Bundle{ID: id, Spec: spec("sleep", "30")}))
	}
	for range n {
		start()
	}
	// Let any thread a spawn needed go idle before counting.
	time.Sleep(100 * time.Millisecond)
	before := threads(t)
	for range n {
		start()
	}
	time.Sleep(100 * time.Millisecond)
	if after := threads(t); after-before >= n/2 {
		t.Fatalf("%d more shims took the engine from %d to %d threads", n, before, after)
	}
	for _, task := range tasks {
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
	// Yet the shims that left were reaped.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		z := zombieChildren()
		if len(z) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("shims left as zombies: %v", z)
		}
	}
}

// zombieChildren lists this process's children that exited unreaped.
func zombieChildren() []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) > 1 && f[0] == "Z" && f[1] == strconv.Itoa(os.Getpid()) {
			out = append(out, pid)
		}
	}
	return out
}

func threads(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no Threads in /proc/self/status")
	return 0
}
