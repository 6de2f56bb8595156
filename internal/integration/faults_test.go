package integration

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// TestEngineKillKeepsCounterLog: SIGKILL of the engine while a container
// prints a counter every 100 ms loses no line of its log; logs, wait and
// stop work with the new engine.
func TestEngineKillKeepsCounterLog(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	id := strings.TrimSpace(d.MustDocker("run", "-d", "--stop-timeout", "1", bb, "sh", "-c", "i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done"))
	removeContainersAtEnd(t, d, id)
	waitFor(t, 10*time.Second, func() bool { return len(strings.Fields(d.MustDocker("logs", id))) >= 5 })
	d.KillEngine()
	waitFor(t, 20*time.Second, func() bool { return d.Docker("version").ExitCode == 0 })
	if s := inspectRestart(t, d, id); s.Status != "running" {
		t.Fatalf("after the engine kill: %+v", s)
	}
	time.Sleep(time.Second)
	d.MustDocker("stop", id)
	if code := strings.TrimSpace(d.MustDocker("wait", id)); code != "137" && code != "143" {
		t.Errorf("wait after stop: %q", code)
	}
	lines := strings.Fields(d.MustDocker("logs", id))
	for i, l := range lines {
		if n, err := strconv.Atoi(l); err != nil || n != i+1 {
			t.Fatalf("log line %d is %q, want %d (a gap across the engine restart?)", i, l, i+1)
		}
	}
	if len(lines) < 15 {
		t.Errorf("only %d lines logged", len(lines))
	}
}

// TestEngineKillRecovery: the supervisor restarts a SIGKILLed engine at
// once, three times in a row (a killed engine was serving: no crash-loop
// back-off), and the running container's shim is reattached each time
// (exec works). It logs kill -> API answers -> exec done.
func TestEngineKillRecovery(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	id := strings.TrimSpace(d.MustDocker("run", "-d", "--stop-timeout", "1", bb, "sleep", "600"))
	removeContainersAtEnd(t, d, id)
	for i := range 3 {
		start := time.Now()
		d.KillEngine()
		// The supervisor keeps the socket: this request waits for the new engine.
		if code, _, body := d.Request("GET", "/_ping", nil, nil); code != 200 {
			t.Fatalf("ping after the engine kill: %d %s", code, body)
		}
		api := time.Since(start)
		if out := d.MustDocker("exec", id, "echo", "back"); out != "back\n" {
			t.Errorf("exec after the engine kill: %q", out)
		}
		t.Logf("kill %d: engine kill -> API answers %v, -> exec in the reattached container done %v", i+1, api, time.Since(start))
	}
	restarts := 0
	for _, l := range strings.Split(d.Log(), "\n") {
		if strings.Contains(l, "the engine exited unexpectedly; restarting it") {
			restarts++
			if !strings.Contains(l, " restart_in=0 ") || !strings.Contains(l, "was_serving=true") {
				t.Errorf("a killed serving engine was not restarted at once: %s", l)
			}
		}
	}
	if restarts != 3 {
		t.Errorf("the supervisor logged %d engine restarts, want 3", restarts)
	}
}

// supervisorPid is the engine's parent: the daemon process inside the
// namespaces that restarts the engine.
func supervisorPid(t *testing.T, d *harness.Daemon) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", d.EnginePid()))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	pid, err := strconv.Atoi(f[1])
	if err != nil {
		t.Fatalf("engine stat %q: %v", s, err)
	}
	return pid
}

// TestEngineKillLogsFollow: after an engine SIGKILL, `docker logs -f` on a
// running container follows its new output again and ends when it stops;
// exec works in the reattached container.
func TestEngineKillLogsFollow(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	id := strings.TrimSpace(d.MustDocker("run", "-d", "--stop-timeout", "1", bb, "sh", "-c", "i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done"))
	removeContainersAtEnd(t, d, id)
	waitFor(t, 10*time.Second, func() bool { return len(strings.Fields(d.MustDocker("logs", id))) >= 3 })
	d.KillEngine()
	if code, _, body := d.Request("GET", "/_ping", nil, nil); code != 200 {
		t.Fatalf("ping after the engine kill: %d %s", code, body)
	}
	if out := d.MustDocker("exec", id, "echo", "reattached"); out != "reattached\n" {
		t.Errorf("exec after the engine kill: %q", out)
	}
	last := len(strings.Fields(d.MustDocker("logs", id)))

	follow := exec.Command("docker", "logs", "-f", id)
	follow.Env = d.DockerEnv()
	var out lockedBuffer
	follow.Stdout, follow.Stderr = &out, &out
	if err := follow.Start(); err != nil {
		t.Fatal(err)
	}
	var followErr error
	done := make(chan struct{})
	go func() { followErr = follow.Wait(); close(done) }()
	t.Cleanup(func() { follow.Process.Kill(); <-done })
	// New lines, written after the follow started, arrive through it.
	waitFor(t, 10*time.Second, func() bool { return len(strings.Fields(out.String())) > last+5 })
	d.MustDocker("stop", id)
	select {
	case <-done:
		if followErr != nil {
			t.Errorf("logs -f after the container stopped: %v\n%s", followErr, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("logs -f did not end when the container stopped")
	}
	for i, l := range strings.Fields(out.String()) {
		if n, err := strconv.Atoi(l); err != nil || n != i+1 {
			t.Fatalf("followed line %d is %q, want %d", i, l, i+1)
		}
	}
}

// TestEngineKillExitWhileDown: a container that exits while no engine
// runs (the supervisor is held stopped) reports its real exit code to the
// next engine: inspect, wait and the die event all say 7.
func TestEngineKillExitWhileDown(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	id := strings.TrimSpace(d.MustDocker("run", "-d", bb, "sh", "-c", "echo started; sleep 1; exit 7"))
	removeContainersAtEnd(t, d, id)
	since := strconv.FormatInt(time.Now().Add(-time.Second).Unix(), 10)
	sup := supervisorPid(t, d)
	if err := syscall.Kill(sup, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			syscall.Kill(sup, syscall.SIGCONT)
		}
	}
	defer resume()
	d.KillEngine()
	time.Sleep(2500 * time.Millisecond) // the container exits meanwhile
	resume()
	var st struct {
		Status   string
		ExitCode int
		Running  bool
	}
	mustJSON(t, d.MustDocker("inspect", "--format", "{{json .State}}", id), &st)
	if st.Status != "exited" || st.ExitCode != 7 || st.Running {
		t.Errorf("state after an exit while the engine was down: %+v, want exited with 7", st)
	}
	if code := strings.TrimSpace(d.MustDocker("wait", id)); code != "7" {
		t.Errorf("docker wait: %s, want 7", code)
	}
	if logs := d.MustDocker("logs", id); logs != "started\n" {
		t.Errorf("logs: %q", logs)
	}
	ev := d.MustDocker("events", "--since", since, "--until", strconv.FormatInt(time.Now().Unix()+1, 10), "--filter", "container="+id, "--filter", "event=die", "--format", "{{.Actor.Attributes.exitCode}}")
	if ev != "7\n" {
		t.Errorf("die events after the restart: %q, want one with exitCode 7", ev)
	}
}

// TestEngineKillExitCode: a container that exits just after an engine
// SIGKILL (while the new engine starts) reports its own exit code.
func TestEngineKillExitCode(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	id := strings.TrimSpace(d.MustDocker("run", "-d", bb, "sh", "-c", "sleep 0.3; exit 7"))
	removeContainersAtEnd(t, d, id)
	d.KillEngine()
	if code := strings.TrimSpace(d.MustDocker("wait", id)); code != "7" {
		t.Errorf("docker wait: %s, want 7", code)
	}
	if got := d.MustDocker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", id); got != "exited 7\n" {
		t.Errorf("inspect: %q, want exited 7", got)
	}
}

// TestDaemonStopParallel: SIGTERM to the daemon stops its containers in
// parallel: three that ignore SIGTERM with --stop-timeout 2 are killed
// after about 2 s together, not one after the other (6 s and more).
func TestDaemonStopParallel(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	for i := 0; i < 3; i++ {
		d.MustDocker("run", "-d", "--stop-timeout", "2", bb, "sh", "-c", "trap '' TERM; while :; do sleep 0.1; done")
	}
	start := time.Now()
	d.Stop()
	took := time.Since(start)
	if took < 1900*time.Millisecond {
		t.Errorf("daemon stop took %v: the containers' 2 s stop timeout was not honoured", took)
	}
	if took > 5*time.Second {
		t.Errorf("daemon stop took %v with three 2 s stop timeouts: stopped one by one?", took)
	}
}

// lockedBuffer is a bytes.Buffer that a child process writes while the
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
