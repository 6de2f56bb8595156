// Package harness starts skiff daemons for integration tests and drives them
// through the public API only: the moby Go client, the real docker CLI,
// the skiff CLI and docker-py. Every integration test imports it.
//
// Run as root, the daemon runs as the unprivileged user skifftest (created on
// demand); run as any other user, it runs as that user. Clients always run as
// the test process's user. SKIFF_TEST_TARGET=docker with DOCKER_HOST set
// points the same scenarios at a real dockerd instead.
package harness

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
	buildDir  string
)

// Binary returns the path of the skiff binary under test: $SKIFF_BINARY, or
// one built from this module the first time it is asked for in this test
// process, into a directory every user can read.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("SKIFF_BINARY"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatalf("SKIFF_BINARY=%s: %v", p, err)
		}
		if _, err := os.Stat(abs); err != nil {
			t.Fatalf("SKIFF_BINARY=%s: %v", p, err)
		}
		return abs
	}
	buildOnce.Do(func() { buildPath, buildErr = build() })
	if buildErr != nil {
		t.Fatalf("building skiff: %v", buildErr)
	}
	return buildPath
}

// ModuleRoot is the directory of skiff's go.mod.
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	// file is <root>/internal/integration/harness/binary.go
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

func build() (string, error) {
	dir, err := os.MkdirTemp(tempBase(), "skiff-it-bin-")
	if err != nil {
		return "", err
	}
	// The daemon runs as another user: it must be able to reach and exec the binary.
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", err
	}
	buildDir = dir
	out := filepath.Join(dir, "skiff")
	cmd := exec.Command("go", "build", "-tags", "containers_image_openpgp", "-o", out, ".")
	cmd.Dir = ModuleRoot()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build in %s: %v\n%s", cmd.Dir, err, b)
	}
	return out, nil
}

// tempBase is where per-daemon directories go: $SKIFF_TEST_TMPDIR or /tmp,
// not $TMPDIR, which may sit under a home the test user cannot traverse.
func tempBase() string {
	if d := os.Getenv("SKIFF_TEST_TMPDIR"); d != "" {
		return d
	}
	return "/tmp"
}

// Main runs the tests of an integration package and removes the binary it
// built. Use it from TestMain: func TestMain(m *testing.M) { harness.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}
