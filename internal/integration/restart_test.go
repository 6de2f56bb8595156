package integration

import (
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// restartState is what the restart tests read of a container.
type restartState struct {
	Status       string
	Restarting   bool
	ExitCode     int
	Pid          int
	RestartCount int
	Error        string
}

func inspectRestart(t *testing.T, d *harness.Daemon, id string) restartState {
	t.Helper()
	var s restartState
	out := d.MustDocker("inspect", "--format", `{"Status":"{{.State.Status}}","Restarting":{{.State.Restarting}},"ExitCode":{{.State.ExitCode}},"Pid":{{.State.Pid}},"RestartCount":{{.RestartCount}},"Error":{{json .State.Error}}}`, id)
	mustJSON(t, out, &s)
	return s
}

// waitState polls until ok holds for the container's state.
func waitState(t *testing.T, d *harness.Daemon, id string, timeout time.Duration, ok func(restartState) bool) restartState {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := inspectRestart(t, d, id)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting; state of %s: %+v", id, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// containerActions lists the container's event actions since since.
func containerActions(t *testing.T, d *harness.Daemon, id string, since time.Time) []string {
	t.Helper()
	out := d.MustDocker("events", "--since", strconv.FormatInt(since.Unix()-1, 10), "--until", strconv.FormatInt(time.Now().Unix()+1, 10),
		"--filter", "container="+id, "--format", "{{.Action}}")
	return strings.Fields(out)
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// TestRestartOnFailureMaxRetries: on-failure:3 with a command that fails
// restarts it 3 times, then leaves it exited with RestartCount 3.
func TestRestartOnFailureMaxRetries(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	since := time.Now()
	id := strings.TrimSpace(d.MustDocker("run", "-d", "--restart", "on-failure:3", bb, "sh", "-c", "exit 3"))
	removeContainersAtEnd(t, d, id)
	s := waitState(t, d, id, 30*time.Second, func(s restartState) bool { return s.Status == "exited" && s.RestartCount == 3 })
	if s.ExitCode != 3 || s.Restarting {
		t.Errorf("after the retries: %+v", s)
	}
	// No fourth restart comes later.
	time.Sleep(2 * time.Second)
	if s := inspectRestart(t, d, id); s.Status != "exited" || s.RestartCount != 3 {
		t.Errorf("2 s after the last retry: %+v", s)
	}
	acts := containerActions(t, d, id, since)
	if countOf(acts, "start") != 4 || countOf(acts, "die") != 4 {
		t.Errorf("events: %q, want 4 starts and 4 dies", acts)
	}
	// A manual start resets the count.
	d.MustDocker("start", id)
	s = waitState(t, d, id, 30*time.Second, func(s restartState) bool { return s.Status == "exited" && s.RestartCount == 3 })
	if s.ExitCode != 3 {
		t.Errorf("after a manual start: %+v", s)
	}
}

// TestRestartAlways: a container with --restart always comes back when its
// process is killed from outside, but not after `docker kill` or `docker
// stop`, which are a user's.
func TestRestartAlways(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	id := strings.TrimSpace(d.MustDocker("run", "-d", "--restart", "always", bb, "sleep", "600"))
	removeContainersAtEnd(t, d, id)
	s := inspectRestart(t, d, id)
	if err := syscall.Kill(s.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	s = waitState(t, d, id, 20*time.Second, func(s restartState) bool { return s.RestartCount == 1 && s.Status == "running" })
	if s.Pid == 0 {
		t.Errorf("restarted without a pid: %+v", s)
	}
	if got := d.MustDocker("ps", "--filter", "id="+id, "--format", "{{.Status}}"); !strings.HasPrefix(got, "Up ") {
		t.Errorf("ps status after the restart: %q", got)
	}

	d.MustDocker("kill", id)
	time.Sleep(1500 * time.Millisecond)
	if s := inspectRestart(t, d, id); s.Status != "exited" || s.ExitCode != 137 || s.RestartCount != 1 {
		t.Errorf("after docker kill: %+v, want exited 137 and no restart", s)
	}

	d.MustDocker("start", id)
	if s := inspectRestart(t, d, id); s.Status != "running" || s.RestartCount != 0 {
		t.Errorf("after docker start: %+v, want running with RestartCount 0", s)
	}
	d.MustDocker("stop", "-t", "1", id)
	time.Sleep(1500 * time.Millisecond)
	if s := inspectRestart(t, d, id); s.Status != "exited" {
		t.Errorf("after docker stop: %+v, want exited", s)
	}
}

// TestRestartStopDuringBackoff: stop and rm -f of a container waiting to
// restart end the wait; it never starts again.
func TestRestartStopDuringBackoff(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	id := strings.TrimSpace(d.MustDocker("run", "-d", "--restart", "always", bb, "sh", "-c", "exit 5"))
	removeContainersAtEnd(t, d, id)
	// From the 5th restart the back-off is 1.6 s and more: the container
	// is then seen in the restarting state.
	waitState(t, d, id, 30*time.Second, func(s restartState) bool { return s.RestartCount >= 5 && s.Status == "restarting" })
	if got := d.MustDocker("ps", "--filter", "id="+id, "--format", "{{.Status}}"); !strings.HasPrefix(got, "Restarting (5) ") {
		t.Errorf("ps status while restarting: %q", got)
	}
	d.MustDocker("stop", id)
	s := inspectRestart(t, d, id)
	if s.Status != "exited" || s.ExitCode != 5 {
		t.Errorf("after stop during the back-off: %+v", s)
	}
	count := s.RestartCount
	time.Sleep(4 * time.Second)
	if s := inspectRestart(t, d, id); s.Status != "exited" || s.RestartCount != count {
		t.Errorf("4 s after stop: %+v, want still exited with RestartCount %d", s, count)
	}

	id2 := strings.TrimSpace(d.MustDocker("run", "-d", "--restart", "always", bb, "sh", "-c", "exit 6"))
	removeContainersAtEnd(t, d, id2)
	waitState(t, d, id2, 30*time.Second, func(s restartState) bool { return s.RestartCount >= 5 && s.Status == "restarting" })
	if r := d.Docker("rm", id2); r.ExitCode == 0 || !strings.Contains(r.Stderr, "restarting") || !strings.Contains(r.Stderr, "force remove") {
		// dockerd 25+: "container is restarting: stop the container before
		// removing or force remove"; 20.10 words it differently.
		t.Errorf("rm of a restarting container: %s", r)
	}
	d.MustDocker("rm", "-f", id2)
	if r := d.Docker("inspect", id2); r.ExitCode == 0 {
		t.Errorf("the container is still there after rm -f during its back-off")
	}
}

// TestRestartUpdatePolicy: docker update --restart applies to the next exit.
func TestRestartUpdatePolicy(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	id := strings.TrimSpace(d.MustDocker("run", "-d", bb, "sleep", "600"))
	removeContainersAtEnd(t, d, id)
	d.MustDocker("update", "--restart", "on-failure:1", id)
	if got := d.MustDocker("inspect", "--format", "{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}", id); got != "on-failure:1\n" {
		t.Errorf("policy after update: %q", got)
	}
	if err := syscall.Kill(inspectRestart(t, d, id).Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitState(t, d, id, 20*time.Second, func(s restartState) bool { return s.RestartCount == 1 && s.Status == "running" })
}

// TestRestartAutoRemoveConflict: AutoRemove with a restart policy is a 400
// at create with dockerd's message.
func TestRestartAutoRemoveConflict(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	body := `{"Image":"` + bb + `","Cmd":["true"],"HostConfig":{"AutoRemove":true,"RestartPolicy":{"Name":"always"}}}`
	code, _, resp := d.Request("POST", "/containers/create", jsonHeader(), []byte(body))
	if code != 400 || !strings.Contains(string(resp), "can't create 'AutoRemove' container with restart policy") {
		t.Errorf("create AutoRemove with a restart policy: %d %s", code, resp)
	}
}

// TestRestartPoliciesAcrossDaemonRestart: a daemon stop and start brings
// back always and unless-stopped containers, except an unless-stopped
// one the user had stopped, and resets nothing the user decided.
func TestRestartPoliciesAcrossDaemonRestart(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	run := func(policy string) string {
		return strings.TrimSpace(d.MustDocker("run", "-d", "--stop-timeout", "1", "--restart", policy, bb, "sleep", "600"))
	}
	unlessRunning := run("unless-stopped")
	unlessStopped := run("unless-stopped")
	alwaysStopped := run("always")
	none := run("no")
	d.MustDocker("stop", unlessStopped, alwaysStopped)

	d = d.Restart()
	removeContainersAtEnd(t, d, unlessRunning, unlessStopped, alwaysStopped, none)
	for id, want := range map[string]string{unlessRunning: "running", alwaysStopped: "running", unlessStopped: "exited", none: "exited"} {
		if want == "running" {
			waitState(t, d, id, 20*time.Second, func(s restartState) bool { return s.Status == "running" })
			continue
		}
		time.Sleep(500 * time.Millisecond)
		if s := inspectRestart(t, d, id); s.Status != want {
			t.Errorf("%s after the daemon restart: %+v, want %s", id, s, want)
		}
	}
}

// TestRestartPolicyAcrossEngineCrash: a container that fails while the
// engine is down is restarted by its policy once the engine is back; an
// engine the supervisor restarts does not start containers the user
// stopped.
func TestRestartPolicyAcrossEngineCrash(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	failing := strings.TrimSpace(d.MustDocker("run", "-d", "--restart", "on-failure:1", bb, "sh", "-c", "sleep 2; exit 1"))
	stopped := strings.TrimSpace(d.MustDocker("run", "-d", "--restart", "always", bb, "sleep", "600"))
	removeContainersAtEnd(t, d, failing, stopped)
	d.MustDocker("kill", stopped)
	d.KillEngine()
	time.Sleep(2500 * time.Millisecond)
	waitFor(t, 20*time.Second, func() bool { return d.Docker("version").ExitCode == 0 })
	s := waitState(t, d, failing, 20*time.Second, func(s restartState) bool { return s.RestartCount == 1 })
	if s.ExitCode != 1 && s.Status != "running" {
		t.Errorf("after the engine crash: %+v", s)
	}
	if s := inspectRestart(t, d, stopped); s.Status != "exited" {
		t.Errorf("a killed always container after an engine crash: %+v, want exited", s)
	}
}
