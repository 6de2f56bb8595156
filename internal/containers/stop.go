package containers

import (
	"context"
	"fmt"
	"strconv"
	"syscall"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"

	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
)

// defaultStopTimeout is Docker's grace period before SIGKILL.
const defaultStopTimeout = 10

// killWait bounds how long a SIGKILL may take to end a container.
const killWait = 30 * time.Second

// Stop sends the stop signal, waits, then kills.
func (s *Service) Stop(ctx context.Context, idOrName, signal string, timeout *int) error {
	c, err := s.get(idOrName)
	if err != nil {
		return err
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	return s.stop(c, signal, timeout)
}

// stop stops a running container; NotModified when it is not running.
// It goes on when the client leaves, as dockerd does.
func (s *Service) stop(c *ctr, signal string, timeout *int) error {
	if s.cancelRestart(c) { // waiting to restart: it stops there
		s.publish(c, events.ActionStop, nil)
		return nil
	}
	c.mu.Lock()
	running, paused, t, exited := c.rec.State.Running, c.rec.State.Paused, c.task, c.exitCh
	cfgSignal, cfgTimeout := c.rec.Config.StopSignal, c.rec.Config.StopTimeout
	cg, id := c.rec.CgroupPath, c.rec.ID
	c.mu.Unlock()
	if !running || t == nil {
		return errdefs.ErrNotModified.WithMessage("container already stopped")
	}
	sig := stopSignal(cfgSignal)
	if signal != "" {
		var err error
		if sig, err = parseSignal(signal); err != nil {
			return err
		}
	}
	secs := defaultStopTimeout
	if timeout != nil {
		secs = *timeout
	} else if cfgTimeout != nil {
		secs = *cfgTimeout
	}
	s.manualStop(c, sig)
	if paused && cg != "" {
		// A frozen process cannot act on the signal.
		if err := cgroups.Freeze(cg, false); err == nil {
			s.setPaused(c, false)
		}
	}
	if secs != 0 {
		if err := t.Kill(sig, false); err == nil {
			s.publish(c, events.ActionKill, map[string]string{"signal": strconv.Itoa(int(sig))})
			var grace <-chan time.Time
			if secs > 0 {
				tm := time.NewTimer(time.Duration(secs) * time.Second)
				defer tm.Stop()
				grace = tm.C
			}
			select {
			case <-exited:
				s.publish(c, events.ActionStop, nil)
				return nil
			case <-grace:
			}
		}
	}
	if err := s.killAndWait(c, t, exited); err != nil {
		return fmt.Errorf("stopping container %s: %w", id, err)
	}
	s.publish(c, events.ActionStop, nil)
	return nil
}

// killGoneWait bounds the wait for an exit being recorded when the kill
// failed for another reason than the process being gone (dockerd's 2 s).
const killGoneWait = 2 * time.Second

// killAndWait SIGKILLs every process of the container and waits for the
// exit to be recorded. A process that is already gone (the shim says not
// running: it exited between the state read and the kill) is an exit
// being recorded, so it waits for that, as dockerd does.
func (s *Service) killAndWait(c *ctr, t interface {
	Kill(syscall.Signal, bool) error
}, exited <-chan struct{}) error {
	err := t.Kill(syscall.SIGKILL, true)
	wait := killWait
	switch {
	case err == nil:
		s.publish(c, events.ActionKill, map[string]string{"signal": strconv.Itoa(int(syscall.SIGKILL))})
	case !errdefs.IsConflict(err):
		wait = killGoneWait
	}
	tm := time.NewTimer(wait)
	defer tm.Stop()
	select {
	case <-exited:
		return nil
	case <-tm.C:
		if err != nil && !errdefs.IsConflict(err) {
			return err
		}
		return errdefs.ErrUnavailable.WithMessage("the container did not exit after SIGKILL")
	}
}

// Restart stops the container if it runs, then starts it.
func (s *Service) Restart(ctx context.Context, idOrName, signal string, timeout *int) error {
	c, err := s.get(idOrName)
	if err != nil {
		return err
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	if err := s.stop(c, signal, timeout); err != nil && !errdefs.IsNotModified(err) {
		return err
	}
	s.resetRestart(c)
	if err := s.start(ctx, c); err != nil {
		return err
	}
	s.publish(c, events.ActionRestart, nil)
	return nil
}

// Kill sends a signal ("" = KILL). A SIGKILL returns once the container
// has exited, as with dockerd. The route prefixes errors with
// "cannot kill container: <name>: ".
func (s *Service) Kill(ctx context.Context, idOrName, signal string) error {
	c, err := s.get(idOrName)
	if err != nil {
		return err
	}
	sig := syscall.SIGKILL
	if signal != "" {
		if sig, err = parseSignal(signal); err != nil {
			return err
		}
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	if s.cancelRestart(c) { // waiting to restart: it stays stopped
		return nil
	}
	c.mu.Lock()
	running, paused, t, exited, id, cg := c.rec.State.Running, c.rec.State.Paused, c.task, c.exitCh, c.rec.ID, c.rec.CgroupPath
	cfgSignal := c.rec.Config.StopSignal
	c.mu.Unlock()
	if !running || t == nil {
		return errNotRunning(id)
	}
	s.manualStop(c, sig)
	thaw := func() {
		if cg != "" && cgroups.Freeze(cg, false) == nil {
			s.setPaused(c, false)
		}
	}
	unpause := unpauseForKill(paused, cfgSignal, sig)
	if sig == syscall.SIGKILL {
		if unpause { // a v1-frozen process cannot even die
			thaw()
		}
		return s.killAndWait(c, t, exited)
	}
	// Not running here means the exit is being recorded: dockerd
	// answers that kill with success.
	if err := t.Kill(sig, false); err != nil && !errdefs.IsConflict(err) {
		return err
	}
	if unpause {
		thaw()
	}
	s.publish(c, events.ActionKill, map[string]string{"signal": strconv.Itoa(int(sig))})
	return nil
}
