package integration

import (
	"os"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// TestSocketActivation: started through systemd-socket-activate on the
// first connection, the daemon answers it, exits when idle while the socket
// stays, and the next connection starts it again.
func TestSocketActivation(t *testing.T) {
	a := harness.StartActivation(t, harness.WithIdleTimeout(2*time.Second))
	if n := a.Spawns(); n != 0 {
		t.Fatalf("%d daemons started before any client connected", n)
	}

	start := time.Now()
	if r := a.Docker("version"); r.ExitCode != 0 {
		t.Fatalf("first docker version through the activation socket: %s\ndaemon log:\n%s", r, a.Log())
	}
	t.Logf("first activation answered in %s", time.Since(start))
	if n := a.Spawns(); n != 1 {
		t.Fatalf("%d activations after the first client, want 1", n)
	}

	code, exited := a.WaitExit(30 * time.Second)
	if !exited {
		t.Fatalf("daemon with --idle-timeout 2s still running 30s after its last client; log:\n%s", a.Log())
	}
	if code != 0 {
		t.Errorf("idle exit with code %d, want 0", code)
	}
	if st, err := os.Lstat(a.Socket); err != nil || st.Mode()&os.ModeSocket == 0 {
		t.Fatalf("activation socket %s gone after the idle exit: %v", a.Socket, err)
	}

	if r := a.Docker("version"); r.ExitCode != 0 {
		t.Fatalf("docker version after the idle exit: %s\ndaemon log:\n%s", r, a.Log())
	}
	if n := a.Spawns(); n != 2 {
		t.Errorf("%d activations after the second client, want 2", n)
	}
}
