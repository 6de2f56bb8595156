package integration

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// shimLoads maps each of the daemon's shims to how many containers it
// serves.
func shimLoads(d *harness.Daemon) map[int]int {
	loads := map[int]int{}
	for _, pid := range d.Shims() {
		loads[pid] = harness.ShimChildren(pid)
	}
	return loads
}

// TestShimGroups: with shim-group-size 4, ten containers started at once
// share three shim processes; removing some leaves the others running
// with their logs, exec and attach; a new container takes a freed place;
// once all are removed no shim is left.
func TestShimGroups(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t, harness.WithDaemonJSON(`{"shim-group-size": 4}`))
	bb := busybox(t, d)
	prefix := uniqueName(t, "sg")
	names := make([]string, 10)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	removeContainersAtEnd(t, d, names...)
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := []string{"run", "-d", "--name", name, bb, "sh", "-c", fmt.Sprintf("echo hello-%d; exec sleep 600", i)}
			if i == 0 {
				args = []string{"run", "-dit", "--name", name, bb, "sh"}
			}
			if r := d.Docker(args...); r.ExitCode != 0 {
				t.Errorf("docker %v: %s", args, r)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	loads := shimLoads(d)
	if len(loads) != 3 {
		t.Fatalf("10 containers in %d shims (want 3 of at most 4): %v", len(loads), loads)
	}
	for pid, n := range loads {
		if n > 4 {
			t.Fatalf("shim %d serves %d containers: %v", pid, n, loads)
		}
	}

	d.MustDocker("rm", "-f", names[1], names[2], names[3])
	left := names[4:]
	running := strings.Fields(d.MustDocker("ps", "-q", "--filter", "name="+prefix))
	if len(running) != 7 {
		t.Fatalf("%d containers running after removing 3 of 10, want 7", len(running))
	}
	for i, name := range left {
		if got := d.MustDocker("logs", name); got != fmt.Sprintf("hello-%d\n", i+4) {
			t.Errorf("logs of %s: %q", name, got)
		}
		if got := d.MustDocker("exec", name, "echo", "exec-"+name); got != "exec-"+name+"\n" {
			t.Errorf("exec in %s: %q", name, got)
		}
	}
	before := shimLoads(d)
	total := 0
	for _, n := range before {
		total += n
	}
	if total != 7 {
		t.Fatalf("shims serve %d containers, want 7: %v", total, before)
	}
	// A freed place is taken again: no new shim.
	extra := prefix + "-extra"
	removeContainersAtEnd(t, d, extra)
	d.MustDocker("run", "-d", "--name", extra, bb, "sleep", "600")
	after := shimLoads(d)
	for pid := range after {
		if _, ok := before[pid]; !ok {
			t.Fatalf("a new shim %d started with room in the others: before %v, after %v", pid, before, after)
		}
	}

	// Attach to the tty container in its group, and let it exit.
	a := d.StartPTY(t, "attach", names[0])
	a.Send("echo attached-$((2+3))\r")
	a.Expect(t, `attached-5`, ptyTimeout)
	a.Send("exit 4\r")
	if code := a.Wait(ptyTimeout); code != 4 {
		t.Fatalf("attach: exit %d after `exit 4`, want 4; output %q", code, a.Output())
	}
	if code := strings.TrimSpace(d.MustDocker("wait", names[0])); code != "4" {
		t.Fatalf("wait: %q", code)
	}
	for _, name := range append(slices.Clone(left), extra) {
		if st := strings.TrimSpace(d.MustDocker("inspect", "-f", "{{.State.Status}}", name)); st != "running" {
			t.Fatalf("%s is %s after another container of its group exited", name, st)
		}
	}

	d.MustDocker(append([]string{"rm", "-f", names[0], extra}, left...)...)
	waitFor(t, 10*time.Second, func() bool { return len(d.Shims()) == 0 })
}
