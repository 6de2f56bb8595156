package containers

import (
	"context"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// restartCtl is the service's side of restart policies.
type restartCtl struct {
	// shuttingDown is set by StopAll: the daemon's own stops are not a
	// user's, and nothing restarts any more.
	shuttingDown atomic.Bool

	mu    sync.Mutex
	ready chan struct{} // closed by StartPolicies: restarts may run
}

// readyCh is closed once the engine can start containers.
func (r *restartCtl) readyCh() chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ready == nil {
		r.ready = make(chan struct{})
	}
	return r.ready
}

// StartPolicies runs, once the engine is ready to start containers, what
// restart policies ask of a new engine: containers that were waiting to
// restart go on, and, when boot is set (the daemon's first engine, not
// one its supervisor restarted after a crash or for an upgrade), stopped
// containers whose policy restarts them start again, as dockerd's
// restore does. It returns at once; the starts run in the background.
func (s *Service) StartPolicies(boot bool) {
	ch := s.restarts.readyCh()
	select {
	case <-ch:
		return // already done
	default:
	}
	close(ch)
	if !boot {
		return
	}
	for _, c := range s.all() {
		c.mu.Lock()
		ok := !c.rec.State.Running && !c.removing && restartsOnBoot(&c.rec)
		c.mu.Unlock()
		if !ok {
			continue
		}
		go func() {
			c.opMu.Lock()
			defer c.opMu.Unlock()
			c.mu.Lock()
			stopped := !c.rec.State.Running && !c.removed && !c.removing
			c.mu.Unlock()
			if !stopped || s.restarts.shuttingDown.Load() {
				return
			}
			s.resetRestart(c)
			if err := s.start(context.Background(), c); err != nil {
				s.log.Warn().Err(err).Str("container", c.rec.ID).Msg("starting a container by its restart policy at daemon start")
			}
		}()
	}
}

// scheduleRestart starts the back-off of a container that is now in the
// restarting state; call with c.mu held.
func (s *Service) scheduleRestart(c *ctr, delay time.Duration) {
	pending := make(chan struct{})
	c.restart.pending = pending
	go s.restartAfter(c, pending, delay)
}

// restartAfter starts the container again after its back-off, unless a
// stop, a kill, a remove or the daemon's shutdown cancels it first.
func (s *Service) restartAfter(c *ctr, pending chan struct{}, delay time.Duration) {
	tm := time.NewTimer(delay)
	defer tm.Stop()
	select {
	case <-tm.C:
	case <-pending:
		return
	}
	// Like dockerd, restart nothing before the engine is ready.
	select {
	case <-s.restarts.readyCh():
	case <-pending:
		return
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	c.mu.Lock()
	if c.restart.pending != pending || c.removed || c.removing {
		c.mu.Unlock()
		return // canceled meanwhile
	}
	c.restart.pending = nil
	// start starts stopped containers only.
	c.rec.State.Running, c.rec.State.Restarting = false, false
	c.mu.Unlock()
	if s.restarts.shuttingDown.Load() {
		s.settleStopped(c)
		return
	}
	if err := s.start(context.Background(), c); err != nil {
		s.log.Warn().Err(err).Str("container", c.rec.ID).Msg("restarting the container by its restart policy")
		s.settleStopped(c)
	}
}

// settleStopped ends a restarting state that will not restart: the
// container is exited and its waiters hear it.
func (s *Service) settleStopped(c *ctr) {
	c.mu.Lock()
	c.rec.State.Running, c.rec.State.Restarting = false, false
	close(c.exitCh)
	c.exitCh = make(chan struct{})
	c.mu.Unlock()
	if err := s.save(c, false); err != nil {
		s.log.Warn().Err(err).Str("container", c.rec.ID).Msg("saving the container's state")
	}
}

// cancelRestart stops a container that waits to restart (stop, kill,
// remove, daemon shutdown): it is exited from then on. It reports whether
// the container was waiting. Call with c.opMu held.
func (s *Service) cancelRestart(c *ctr) bool {
	c.mu.Lock()
	if !c.rec.State.Restarting || c.restart.pending == nil {
		c.mu.Unlock()
		return false
	}
	close(c.restart.pending)
	c.restart.pending = nil
	if !s.restarts.shuttingDown.Load() {
		c.rec.HasBeenManuallyStopped = true
	}
	c.mu.Unlock()
	s.settleStopped(c)
	return true
}

// manualStop records a stop or kill signal about to be sent, as dockerd's
// killWithSignal: SIGKILL, the container's stop signal, or any signal
// when it sets none, makes its next exit final; and any of them is a
// manual stop for unless-stopped, except the daemon's own at shutdown.
// Call with c.opMu held, before sending.
func (s *Service) manualStop(c *ctr, sig syscall.Signal) {
	c.mu.Lock()
	cfg := c.rec.Config.StopSignal
	if exitsOnSignal(cfg, sig) {
		c.restart.canceled = true
	}
	changed := false
	if !s.restarts.shuttingDown.Load() && !c.rec.HasBeenManuallyStopped {
		c.rec.HasBeenManuallyStopped, changed = true, true
	}
	c.mu.Unlock()
	if changed {
		if err := s.save(c, false); err != nil {
			s.log.Warn().Err(err).Str("container", c.rec.ID).Msg("saving the container's state")
		}
	}
}

// resetRestart is a manual start's reset (dockerd's ResetRestartManager
// with the count): a fresh back-off, RestartCount 0, no manual stop. A
// running container is left alone (its start is a no-op). Call with
// c.opMu held.
func (s *Service) resetRestart(c *ctr) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rec.State.Running {
		return
	}
	c.restart = restartState{}
	c.rec.RestartCount = 0
	c.rec.HasBeenManuallyStopped = false
}

// beginShutdown marks the daemon's shutdown (StopAll): no restart runs
// from now on, and those waiting are canceled.
func (s *Service) beginShutdown() {
	s.restarts.shuttingDown.Store(true)
	for _, c := range s.all() {
		c.opMu.Lock()
		s.cancelRestart(c)
		c.opMu.Unlock()
	}
}

// resumeRestart picks up a container that was waiting to restart when the
// previous engine ended.
func (s *Service) resumeRestart(c *ctr) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rec.State.Restarting && c.restart.pending == nil {
		s.scheduleRestart(c, restartBackoffMin)
	}
}
