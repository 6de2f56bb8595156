package integration

import (
	"strconv"
	"strings"
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
