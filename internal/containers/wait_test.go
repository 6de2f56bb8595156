package containers

import (
	"context"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
)

// exit simulates what exited does for waiters.
func exit(c *ctr, code int) {
	c.mu.Lock()
	c.rec.State.Running = false
	c.rec.State.ExitCode = code
	close(c.exitCh)
	c.exitCh = make(chan struct{})
	c.mu.Unlock()
}

func TestWaitConditions(t *testing.T) {
	s := listService(t)
	ctx := context.Background()

	// not-running on a stopped container answers at once.
	ch, err := s.Wait(ctx, "job", container.WaitConditionNotRunning)
	if err != nil {
		t.Fatal(err)
	}
	if r := <-ch; r.StatusCode != 3 {
		t.Errorf("job: %+v", r)
	}

	// next-exit on a created container waits for a run to end.
	fresh, _ := s.get("fresh")
	ch, _ = s.Wait(ctx, "fresh", container.WaitConditionNextExit)
	select {
	case r := <-ch:
		t.Fatalf("next-exit answered before any exit: %+v", r)
	case <-time.After(20 * time.Millisecond):
	}
	fresh.mu.Lock()
	fresh.rec.State.Running = true
	fresh.mu.Unlock()
	exit(fresh, 42)
	if r := <-ch; r.StatusCode != 42 {
		t.Errorf("next-exit: %+v", r)
	}

	// removed reports the exit code the container had.
	web, _ := s.get("web")
	ch, _ = s.Wait(ctx, "web", container.WaitConditionRemoved)
	exit(web, 137)
	web.mu.Lock()
	close(web.removedCh)
	web.mu.Unlock()
	if r := <-ch; r.StatusCode != 137 {
		t.Errorf("removed: %+v", r)
	}

	if _, err := s.Wait(ctx, "nosuch", ""); !errdefs.IsNotFound(err) {
		t.Errorf("unknown container: %v", err)
	}
	if _, err := s.Wait(ctx, "job", "sometime"); !errdefs.IsInvalidArgument(err) {
		t.Errorf("bad condition: %v", err)
	}
}

func TestWaitCancelled(t *testing.T) {
	s := listService(t)
	ctx, cancel := context.WithCancel(context.Background())
	ch, _ := s.Wait(ctx, "web", container.WaitConditionNotRunning)
	cancel()
	select {
	case r := <-ch:
		t.Fatalf("answer after cancel: %+v", r)
	case <-time.After(20 * time.Millisecond):
	}
}

func TestGetByPrefixAndName(t *testing.T) {
	s := listService(t)
	for _, ref := range []string{"aaaa1111", "aaaa", "web", "/web"} {
		c, err := s.get(ref)
		if err != nil || c.rec.ID != "aaaa1111" {
			t.Errorf("%q: %v", ref, err)
		}
	}
	if _, err := s.get("nosuch"); !errdefs.IsNotFound(err) || err.Error() != "No such container: nosuch" {
		t.Errorf("missing: %v", err)
	}
}
