package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// trapScript records each signal it gets on stdout, and says "ready" once
// its traps are set; TERM ends it with 3.
const trapScript = `for s in HUP USR1 USR2 INT; do trap "echo $s" $s; done; trap 'echo TERM; exit 3' TERM; echo ready; while :; do sleep 0.1; done`

// waitLogs waits until the container's log has want as a line.
func waitLogs(t *testing.T, d *harness.Daemon, id, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		logs := d.MustDocker("logs", id)
		for _, l := range lines(logs) {
			if l == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no line %q in the logs of %s: %q", want, id, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSignalKillNames: docker kill -s takes names with or without SIG in
// any case, and numbers; a trap in the container sees each one.
func TestSignalKillNames(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	id := strings.TrimSpace(d.MustDocker("run", "-d", bb, "sh", "-c", trapScript))
	removeContainersAtEnd(t, d, id)
	waitLogs(t, d, id, "ready")
	for _, tc := range []struct{ sig, want string }{
		{"HUP", "HUP"},
		{"SIGUSR1", "USR1"},
		{"usr2", "USR2"},
		{"sigint", "INT"},
		{"1", "HUP"},
		{"10", "USR1"}, // x86 and arm64 numbering
	} {
		before := strings.Count(d.MustDocker("logs", id), tc.want+"\n")
		d.MustDocker("kill", "-s", tc.sig, id)
		waitFor(t, 10*time.Second, func() bool { return strings.Count(d.MustDocker("logs", id), tc.want+"\n") > before })
	}
	if st := d.MustDocker("inspect", "--format", "{{.State.Status}}", id); st != "running\n" {
		t.Errorf("after trapped signals the container is %q", st)
	}
	r := d.Docker("kill", "-s", "NOSUCH", id)
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, "Invalid signal: NOSUCH") {
		t.Errorf("kill -s NOSUCH: %s", r)
	}
	d.MustDocker("kill", "-s", "TERM", id)
	if code := strings.TrimSpace(d.MustDocker("wait", id)); code != "3" {
		t.Errorf("exit code after the TERM trap: %s, want 3", code)
	}
}

// TestSignalStopSignal: docker stop sends the container's stop signal
// (--stop-signal, or STOPSIGNAL of its image) instead of SIGTERM.
func TestSignalStopSignal(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	script := `trap 'echo got USR1; exit 5' USR1; echo ready; while :; do sleep 0.1; done`

	id := strings.TrimSpace(d.MustDocker("run", "-d", "--stop-signal", "SIGUSR1", bb, "sh", "-c", script))
	removeContainersAtEnd(t, d, id)
	waitLogs(t, d, id, "ready")
	d.MustDocker("stop", id)
	if code := strings.TrimSpace(d.MustDocker("wait", id)); code != "5" {
		t.Errorf("stop with --stop-signal SIGUSR1 exited %s, want 5 (the trap's)", code)
	}
	waitLogs(t, d, id, "got USR1")

	// The same through the image: commit a container with a STOPSIGNAL change.
	img := uniqueName(t, "stopsig") + ":latest"
	src := strings.TrimSpace(d.MustDocker("create", bb, "true"))
	removeContainersAtEnd(t, d, src)
	r := d.Docker("commit", "--change", "STOPSIGNAL SIGUSR1", src, img)
	if r.ExitCode != 0 && harness.TargetIsDocker() && strings.Contains(r.Stderr, "stopsignal is not a valid change command") {
		t.Logf("the reference dockerd predates STOPSIGNAL in commit --change (moby 23): %s", r.Stderr)
		return
	}
	if r.ExitCode != 0 {
		t.Fatalf("commit --change STOPSIGNAL: %s", r)
	}
	removeImagesAtEnd(t, d, img)
	if got := d.MustDocker("image", "inspect", "--format", "{{.Config.StopSignal}}", img); got != "SIGUSR1\n" {
		t.Errorf("image StopSignal %q, want SIGUSR1", got)
	}
	id2 := strings.TrimSpace(d.MustDocker("run", "-d", img, "sh", "-c", script))
	removeContainersAtEnd(t, d, id2)
	if got := d.MustDocker("inspect", "--format", "{{.Config.StopSignal}}", id2); got != "SIGUSR1\n" {
		t.Errorf("container StopSignal from the image %q, want SIGUSR1", got)
	}
	waitLogs(t, d, id2, "ready")
	d.MustDocker("stop", id2)
	if code := strings.TrimSpace(d.MustDocker("wait", id2)); code != "5" {
		t.Errorf("stop with the image's STOPSIGNAL exited %s, want 5", code)
	}
}

// TestSignalStopTimeout: a PID 1 that ignores SIGTERM is killed once the
// stop timeout (-t, else --stop-timeout, else 10 s) runs out: 137, after
// about the timeout, neither at once nor after the default.
func TestSignalStopTimeout(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	ignore := []string{"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.1; done"}
	for _, tc := range []struct {
		name     string
		run      []string
		stop     []string
		wantConf string
	}{
		{"StopFlag", nil, []string{"-t", "1"}, "<nil>"},
		{"StopTimeout", []string{"--stop-timeout", "1"}, nil, "1"},
		{"FlagOverrides", []string{"--stop-timeout", "30"}, []string{"-t", "1"}, "30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := d.For(t)
			args := append(append([]string{"run", "-d"}, tc.run...), bb)
			id := strings.TrimSpace(d.MustDocker(append(args, ignore...)...))
			removeContainersAtEnd(t, d, id)
			if got := strings.TrimSpace(d.MustDocker("inspect", "--format", "{{.Config.StopTimeout}}", id)); got != tc.wantConf {
				t.Errorf("Config.StopTimeout %q, want %q", got, tc.wantConf)
			}
			waitLogs(t, d, id, "ready")
			start := time.Now()
			d.MustDocker(append(append([]string{"stop"}, tc.stop...), id)...)
			took := time.Since(start)
			if code := strings.TrimSpace(d.MustDocker("wait", id)); code != "137" {
				t.Errorf("exit code %s, want 137 (SIGKILL after the timeout)", code)
			}
			// Behaviour, not speed: the kill waits for the timeout (1 s)
			// and does not fall back to the default 10 s (or 30 s).
			if took < 900*time.Millisecond || took > 8*time.Second {
				t.Errorf("stop took %v with a 1 s timeout", took)
			}
			if st := d.MustDocker("inspect", "--format", "{{.State.OOMKilled}} {{.State.Status}}", id); st != "false exited\n" {
				t.Errorf("state after the stop: %q", st)
			}
		})
	}
}

// zombieCount counts processes in state Z that a container's ps shows.
func zombieCount(t *testing.T, d *harness.Daemon, id string) int {
	t.Helper()
	// Field 3 of /proc/PID/stat after the ")" is the state.
	out := d.MustDocker("exec", id, "sh", "-c", `for f in /proc/[0-9]*/stat; do cat "$f" 2>/dev/null; echo; done`)
	n := 0
	for _, l := range lines(out) {
		if i := strings.LastIndexByte(l, ')'); i > 0 {
			if f := strings.Fields(l[i+1:]); len(f) > 0 && f[0] == "Z" {
				n++
			}
		}
	}
	return n
}

// TestSignalInitReapsZombies: orphans reparented to PID 1 become zombies
// when PID 1 never waits (exec sleep), and --init's PID 1 reaps them.
func TestSignalInitReapsZombies(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	// Three short-lived grandchildren whose parents exit at once: they are
	// reparented to PID 1, then PID 1 becomes a sleep that never waits.
	orphans := `for i in 1 2 3; do (sleep 0.2 &); done; exec sleep 600`

	plain := strings.TrimSpace(d.MustDocker("run", "-d", bb, "sh", "-c", orphans))
	removeContainersAtEnd(t, d, plain)
	waitFor(t, 10*time.Second, func() bool { return zombieCount(t, d, plain) == 3 })

	withInit := strings.TrimSpace(d.MustDocker("run", "-d", "--init", bb, "sh", "-c", orphans))
	removeContainersAtEnd(t, d, withInit)
	if got := d.MustDocker("inspect", "--format", "{{.HostConfig.Init}}", withInit); got != "true\n" {
		t.Errorf("HostConfig.Init %q", got)
	}
	time.Sleep(time.Second) // the orphans' sleep 0.2 is long over
	if n := zombieCount(t, d, withInit); n != 0 {
		t.Errorf("%d zombies in a container with --init", n)
	}
	// PID 1 is the init, the command its child.
	if out := d.MustDocker("exec", withInit, "cat", "/proc/1/comm"); out == "sleep\n" {
		t.Errorf("with --init PID 1 is the command itself: %q", out)
	}
}
