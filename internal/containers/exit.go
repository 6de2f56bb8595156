package containers

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/api/types/events"

	"github.com/skiff-engine/skiff/internal/runtime"
	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
)

// monitor records the container's exit when it comes.
func (s *Service) monitor(c *ctr, t *runtime.Task) {
	t.OnExit(func(ex runtime.Exit, err error) {
		if err != nil {
			// The engine closed the task (shutdown): the next engine
			// reconnects to the shim.
			return
		}
		s.exited(c, t, ex)
	})
}

// exited records an exit, cleans the task and the mount up, tells the
// waiters, and then either restarts the container by its restart policy
// (after the back-off, in the restarting state meanwhile) or removes an
// AutoRemove container, as dockerd's handleContainerExit.
func (s *Service) exited(c *ctr, t *runtime.Task, ex runtime.Exit) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.stopHealth(c)
	if t != nil {
		if err := t.Delete(ctx); err != nil {
			s.log.Warn().Err(err).Str("container", c.rec.ID).Msg("deleting the task")
		}
	}
	finished := ex.ExitedAt.UTC()
	if finished.IsZero() {
		finished = time.Now().UTC()
	}
	c.mu.Lock()
	id := c.rec.ID
	st := &c.rec.State
	ran := max(finished.Sub(st.StartedAt), 0)
	manual := c.rec.HasBeenManuallyStopped || s.restarts.shuttingDown.Load()
	restart, delay := c.restart.shouldRestart(c.rec.HostConfig.RestartPolicy, c.rec.RestartCount, ex.Code, manual, ran)
	restart = restart && !c.removing && !c.removed
	// Restarting counts as running, as with dockerd: stop, rm and wait
	// treat it so.
	st.Running, st.Paused, st.Restarting = restart, false, restart
	st.Pid = 0
	st.ExitCode = ex.Code
	st.OOMKilled = ex.OOMKilled
	st.Error = ex.Err
	st.FinishedAt = finished
	var pending chan struct{}
	if restart {
		c.rec.RestartCount++
		st.Error = ""
		// Cancelable from now on: a stop may come before the back-off runs.
		pending = make(chan struct{})
		c.restart.pending = pending
	}
	cg := c.rec.CgroupPath
	c.rec.CgroupPath = ""
	c.task = nil
	c.mu.Unlock()

	s.releasePorts(c)
	s.teardownNetwork(c)
	if cg != "" {
		if err := cgroups.Remove(cg); err != nil {
			s.log.Warn().Err(err).Str("container", id).Msg("removing the container's cgroup")
		}
	}
	if store, err := s.opt.Images.Store(ctx); err == nil {
		s.unmountRootfs(store, id)
	}
	s.releaseVolumes(c)
	if err := s.save(c, false); err != nil {
		s.log.Warn().Err(err).Str("container", id).Msg("saving the container's state")
	}
	if ex.OOMKilled { // dockerd reports the runtime's OOM event before die
		s.publish(c, events.ActionOOM, nil)
	}
	s.publish(c, events.ActionDie, map[string]string{
		"exitCode":     fmt.Sprint(ex.Code),
		"execDuration": fmt.Sprint(int(ran.Seconds())),
	})

	c.mu.Lock()
	close(c.exitCh)
	c.exitCh = make(chan struct{})
	auto := c.rec.HostConfig.AutoRemove
	c.mu.Unlock()
	if restart {
		go s.restartAfter(c, pending, delay)
	}
	if auto && !restart {
		c.opMu.Lock()
		var err error
		c.mu.Lock()
		running := c.rec.State.Running // restarted meanwhile
		c.mu.Unlock()
		if !running {
			err = s.remove(c, true)
		}
		c.opMu.Unlock()
		if err != nil {
			s.log.Warn().Err(err).Str("container", id).Msg("auto-removing the container")
		}
	}
}
