package harness

import (
	"os"
	"strings"
	"testing"
)

// TargetIsDocker reports whether SKIFF_TEST_TARGET=docker: the scenarios run
// against the real dockerd at DOCKER_HOST instead of a skiff daemon.
func TargetIsDocker() bool { return os.Getenv("SKIFF_TEST_TARGET") == "docker" }

// SkiffOnly skips a test that asserts skiff's own behaviour when the target
// is a real dockerd.
func SkiffOnly(t testing.TB) {
	t.Helper()
	if TargetIsDocker() {
		t.Skip("skiff-only assertion: skipped with SKIFF_TEST_TARGET=docker")
	}
}

// dockerTarget wraps the dockerd at DOCKER_HOST; nothing is started or stopped.
func dockerTarget(t testing.TB) *Daemon {
	t.Helper()
	host := os.Getenv("DOCKER_HOST")
	if host == "" {
		t.Fatal("SKIFF_TEST_TARGET=docker needs DOCKER_HOST pointing at a running dockerd (e.g. unix:///var/run/docker.sock)")
	}
	d := &Daemon{t: t, Host: host, isDocker: true, dockerConfig: t.TempDir(), st: &procState{}}
	if s, ok := strings.CutPrefix(host, "unix://"); ok {
		d.Socket = s
	}
	t.Cleanup(func() {
		if d.st.cli != nil {
			_ = d.st.cli.Close()
		}
	})
	return d
}
