package integration

import (
	"os"
	"strconv"
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

// TestSingleIDFallback: without newuidmap/newgidmap the daemon still starts,
// maps only the user's own ids, and says what to install.
func TestSingleIDFallback(t *testing.T) {
	harness.SkiffOnly(t)
	// In the single-id mode the daemon runs no host program, so a PATH
	// without newuidmap is all it takes to get there.
	d := harness.StartDaemon(t, harness.SingleID(), harness.WithEnv("PATH=/nonexistent"))
	log := d.Log()
	for _, want := range []string{"single-id mapping", "uidmap", "/etc/subuid"} {
		if !strings.Contains(log, want) {
			t.Errorf("daemon log does not mention %q:\n%s", want, log)
		}
	}
	r := d.MustDocker("info")
	if !strings.Contains(r, "ID Mapping: single-id") {
		t.Errorf("docker info does not show the single-id mapping:\n%s", r)
	}
	u := d.Env.User
	if want := "UID Map: 0:" + strconv.Itoa(u.UID) + ":1\n"; !strings.Contains(r, want) {
		t.Errorf("docker info does not show %q:\n%s", want, r)
	}
}

// TestDataRootNotWritable: a data root the user cannot write stops the
// daemon at start with a message naming it.
func TestDataRootNotWritable(t *testing.T) {
	harness.SkiffOnly(t)
	if os.Geteuid() != 0 {
		t.Skip("needs root to make a directory the test user cannot write")
	}
	dir := t.TempDir() // owned by root, 0755 after the chmod: not writable by the test user
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := harness.RunDaemon(t, 30*time.Second, harness.WithArgs("--data-root", dir+"/data"))
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, dir) {
		t.Errorf("want non-zero exit and an error naming %s; exit %d:\n%s", dir, r.ExitCode, r.Stderr)
	}
}
