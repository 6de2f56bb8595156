package integration

import (
	"strings"
	"sync"
	"testing"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// TestContainerRmForceJustExited pins a race: rm -f of a container whose
// process has just exited failed with "could not kill running container
// …: container is not running" instead of waiting for the exit.
func TestContainerRmForceJustExited(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				r := d.For(t).Docker("run", "-d", bb, "true")
				if r.ExitCode != 0 {
					errs <- "run: " + r.String()
					return
				}
				id := strings.TrimSpace(r.Stdout)
				if r := d.For(t).Docker("rm", "-f", id); r.ExitCode != 0 {
					errs <- "rm -f: " + r.String()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if ps := strings.TrimSpace(d.MustDocker("ps", "-aq")); ps != "" {
		t.Errorf("containers left after rm -f: %q", ps)
	}
}
