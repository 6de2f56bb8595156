package integration

import (
	"bufio"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// healthState is State.Health as inspect shows it.
type healthState struct {
	Status        string
	FailingStreak int
	Log           []struct {
		Start, End string
		ExitCode   int
		Output     string
	}
}

func inspectHealth(t *testing.T, d *harness.Daemon, id string) *healthState {
	t.Helper()
	var h *healthState
	mustJSON(t, d.MustDocker("inspect", "--format", "{{json .State.Health}}", id), &h)
	return h
}

func waitHealth(t *testing.T, d *harness.Daemon, id, status string) *healthState {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		h := inspectHealth(t, d, id)
		if h != nil && h.Status == status {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("health of %s never became %s: %+v", id, status, h)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// eventStream collects `docker events` lines in the background.
type eventStream struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	seen []string
	done chan struct{}
}

func streamEvents(t *testing.T, d *harness.Daemon, args ...string) *eventStream {
	t.Helper()
	cmd := exec.Command("docker", append([]string{"events"}, args...)...)
	cmd.Env = d.DockerEnv()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	es := &eventStream{cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(es.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			es.mu.Lock()
			es.seen = append(es.seen, sc.Text())
			es.mu.Unlock()
		}
	}()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// Let the subscription reach the daemon before the test acts.
	time.Sleep(300 * time.Millisecond)
	return es
}

func (es *eventStream) lines() []string {
	es.mu.Lock()
	defer es.mu.Unlock()
	return append([]string(nil), es.seen...)
}

// TestHealthcheckFlips: a probe on a file the test creates and removes
// with docker exec turns the container unhealthy and healthy again; the
// changes are health_status events, ps shows and filters them.
func TestHealthcheckFlips(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	label := uniqueName(t, "health")
	ev := streamEvents(t, d, "--filter", "label="+label, "--filter", "event=health_status", "--format", "{{.Action}}")
	id := strings.TrimSpace(d.MustDocker("run", "-d", "-l", label, "--health-cmd", "test ! -f /tmp/bad", "--health-interval", "300ms", "--health-retries", "1", bb, "sleep", "600"))
	removeContainersAtEnd(t, d, id)
	waitHealth(t, d, id, "healthy")
	if got := d.MustDocker("ps", "--filter", "health=healthy", "--filter", "id="+id, "--format", "{{.Status}}"); !strings.HasPrefix(got, "Up ") || !strings.HasSuffix(got, " (healthy)\n") {
		t.Errorf("ps status of a healthy container: %q", got)
	}
	d.MustDocker("exec", id, "touch", "/tmp/bad")
	h := waitHealth(t, d, id, "unhealthy")
	if h.FailingStreak < 1 || len(h.Log) == 0 || h.Log[len(h.Log)-1].ExitCode != 1 {
		t.Errorf("unhealthy state: %+v", h)
	}
	if got := d.MustDocker("ps", "--filter", "health=unhealthy", "--format", "{{.ID}} {{.Status}}"); !strings.Contains(got, id[:12]) || !strings.Contains(got, "(unhealthy)") {
		t.Errorf("ps health=unhealthy: %q", got)
	}
	if got := d.MustDocker("ps", "-q", "--filter", "health=healthy", "--filter", "id="+id); got != "" {
		t.Errorf("ps health=healthy lists an unhealthy container: %q", got)
	}
	d.MustDocker("exec", id, "rm", "/tmp/bad")
	h = waitHealth(t, d, id, "healthy")
	if h.FailingStreak != 0 || len(h.Log) > 5 {
		t.Errorf("healthy again: streak %d, %d log entries (at most 5)", h.FailingStreak, len(h.Log))
	}
	want := []string{"health_status: healthy", "health_status: unhealthy", "health_status: healthy"}
	waitFor(t, 5*time.Second, func() bool { return len(ev.lines()) >= len(want) })
	if got := ev.lines(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("health_status events: %q, want %q", got, want)
	}

	// Probes stop with the container and start again with it.
	d.MustDocker("stop", "-t", "1", id)
	n := len(inspectHealth(t, d, id).Log)
	time.Sleep(time.Second)
	if h := inspectHealth(t, d, id); len(h.Log) != n && n < 5 {
		t.Errorf("probes ran while the container was stopped: %d -> %d", n, len(h.Log))
	}
	d.MustDocker("start", id)
	waitHealth(t, d, id, "healthy")
}

// TestHealthcheckStates: starting, none, timeouts, --no-healthcheck and
// dockerd's validation messages.
func TestHealthcheckStates(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	starting := strings.TrimSpace(d.MustDocker("run", "-d", "--health-cmd", "true", "--health-interval", "1h", bb, "sleep", "600"))
	plain := strings.TrimSpace(d.MustDocker("run", "-d", bb, "sleep", "600"))
	none := strings.TrimSpace(d.MustDocker("run", "-d", "--no-healthcheck", bb, "sleep", "600"))
	slow := strings.TrimSpace(d.MustDocker("run", "-d", "--health-cmd", "sleep 10", "--health-timeout", "200ms", "--health-interval", "300ms", "--health-retries", "1", bb, "sleep", "600"))
	removeContainersAtEnd(t, d, starting, plain, none, slow)

	if got := d.MustDocker("ps", "--filter", "id="+starting, "--format", "{{.Status}}"); !strings.HasSuffix(got, " (health: starting)\n") {
		t.Errorf("ps status of a starting container: %q", got)
	}
	if got := d.MustDocker("ps", "-q", "--no-trunc", "--filter", "health=starting"); !strings.Contains(got, starting) || strings.Contains(got, plain) {
		t.Errorf("ps health=starting: %q", got)
	}
	got := d.MustDocker("ps", "-q", "--no-trunc", "--filter", "health=none")
	if !strings.Contains(got, plain) || !strings.Contains(got, none) || strings.Contains(got, starting) {
		t.Errorf("ps health=none: %q", got)
	}
	if r := d.Docker("ps", "--filter", "health=bogus"); r.ExitCode == 0 || !strings.Contains(r.Stderr, "Unrecognised filter value for health: bogus") {
		t.Errorf("ps health=bogus: %s", r)
	}
	if got := d.MustDocker("inspect", "--format", "{{json .State.Health}} {{json .Config.Healthcheck.Test}}", none); got != "null [\"NONE\"]\n" {
		t.Errorf("--no-healthcheck: %q", got)
	}

	h := waitHealth(t, d, slow, "unhealthy")
	if e := h.Log[0]; e.ExitCode != -1 || e.Output != "Health check exceeded timeout (200ms)" {
		t.Errorf("a probe that times out: %+v", e)
	}

	for flag, msg := range map[string]string{
		"--health-interval":       "Interval in Healthcheck cannot be less than 1ms",
		"--health-timeout":        "Timeout in Healthcheck cannot be less than 1ms",
		"--health-start-period":   "StartPeriod in Healthcheck cannot be less than 1ms",
		"--health-start-interval": "StartInterval in Healthcheck cannot be less than 1ms",
	} {
		if flag == "--health-start-interval" && harness.TargetIsDocker() {
			continue // dockerd 20.10 predates start intervals
		}
		r := d.Docker("run", "--rm", "--health-cmd", "true", flag, "500us", bb, "true")
		if r.ExitCode == 0 || !strings.Contains(r.Stderr, msg) {
			t.Errorf("%s 500us: %s", flag, r)
		}
	}
}
