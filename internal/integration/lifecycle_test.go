package integration

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// TestSIGTERM: the daemon exits 0 and removes its socket.
func TestSIGTERM(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	d.Stop()
	if _, err := os.Lstat(d.Socket); err == nil {
		t.Errorf("socket %s still exists after SIGTERM", d.Socket)
	}
}

// TestSecondDaemonAlreadyRunning: a second daemon on the same socket refuses
// to start and leaves the first one serving.
func TestSecondDaemonAlreadyRunning(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	r := d.RunAnother(30 * time.Second)
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, "already running") {
		t.Errorf("second daemon: want non-zero exit and \"already running\"; exit %d:\n%s", r.ExitCode, r.Stderr)
	}
	d.MustDocker("version")
}

// TestNoXDGRuntimeDir: without XDG_RUNTIME_DIR a rootless daemon says so.
func TestNoXDGRuntimeDir(t *testing.T) {
	r := harness.RunDaemon(t, 30*time.Second, harness.WithoutEnv("XDG_RUNTIME_DIR"))
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, "XDG_RUNTIME_DIR") {
		t.Errorf("want non-zero exit and an error naming XDG_RUNTIME_DIR; exit %d:\n%s", r.ExitCode, r.Stderr)
	}
}

// TestRootful: run as root with -H and --data-root, the daemon serves the
// API and does not call itself rootless.
func TestRootful(t *testing.T) {
	d := harness.StartDaemon(t, harness.Rootful())
	var v dockerVersion
	mustJSON(t, d.MustDocker("version", "--format", "{{json .}}"), &v)
	if v.Server == nil || v.Server.Version == "" {
		t.Fatalf("docker version has no Server section")
	}
	var info struct{ SecurityOptions []string }
	mustJSON(t, d.MustDocker("info", "--format", "{{json .}}"), &info)
	if hasRootless(info.SecurityOptions) {
		t.Errorf("rootful daemon reports name=rootless: %q", info.SecurityOptions)
	}
}
