package integration

import (
	"bufio"
	"crypto/rand"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// TestPullSurvivesEngineKill: SIGKILL of the engine in the middle of a pull
// leaves no half image; the supervisor restarts the engine and the same
// pull then succeeds with the registry's image ID.
func TestPullSurvivesEngineKill(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	reg := harness.StartRegistry(t)
	// A layer large enough that the pull is still moving when it is killed.
	big := make([]byte, 48<<20)
	if _, err := rand.Read(big); err != nil {
		t.Fatal(err)
	}
	im := harness.ImageFromTars(t, uniqueName(t, "crash"), false, harness.BusyboxLayer(t), harness.Tar(t, harness.FileEntry("big", string(big))))
	repo := uniqueName(t, "crash")
	reg.Push(t, im, repo, "v1")
	ref := reg.Ref(repo + ":v1")

	cmd := exec.Command("docker", "pull", ref)
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+d.Host)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	engine := d.EnginePid()
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "Pulling fs layer") || strings.Contains(sc.Text(), "Downloading") {
			if err := syscall.Kill(engine, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	for sc.Scan() {
	}
	if err := cmd.Wait(); err == nil && killed {
		t.Fatalf("docker pull succeeded although the engine was killed mid-pull")
	}
	if !killed {
		t.Fatalf("the pull finished before it could be interrupted")
	}
	// The supervisor restarts the engine.
	deadline := time.Now().Add(20 * time.Second)
	for {
		if r := d.Docker("version"); r.ExitCode == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the engine did not come back after SIGKILL:\n%s", d.Log())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if ids := strings.Fields(d.MustDocker("images", "-a", "-q", "--no-trunc")); slices.Contains(ids, im.ID()) {
		t.Fatalf("a half-pulled image is listed after the crash: %q", ids)
	}
	d.MustDocker("pull", ref)
	if id := strings.TrimSpace(d.MustDocker("image", "inspect", "--format", "{{.Id}}", ref)); id != im.ID() {
		t.Fatalf("after the crash, pull gave ID %s, want the config digest %s", id, im.ID())
	}
	d.MustDocker("rmi", ref)
}
