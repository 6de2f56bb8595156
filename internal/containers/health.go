package containers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
)

// Healthcheck defaults, dockerd's.
const (
	healthDefaultInterval      = 30 * time.Second
	healthDefaultTimeout       = 30 * time.Second
	healthDefaultStartInterval = 5 * time.Second
	healthDefaultRetries       = 3
	// healthMaxLog is how many probe results State.Health.Log keeps.
	healthMaxLog = 5
)

// healthState is the container's running probe loop; guarded by c.mu.
type healthState struct {
	stop chan struct{} // closed to end the loop; nil when none runs
}

// probeCommand is the healthcheck's command line, nil when the container
// has none (no healthcheck, NONE, or a kind dockerd does not know).
func probeCommand(cfg *container.Config) []string {
	h := cfg.Healthcheck
	if h == nil || len(h.Test) < 2 {
		return nil
	}
	switch h.Test[0] {
	case "CMD":
		return h.Test[1:]
	case "CMD-SHELL":
		shell := []string{"/bin/sh", "-c"}
		if len(cfg.Shell) > 0 {
			shell = cfg.Shell
		}
		return append(append([]string{}, shell...), h.Test[1:]...)
	}
	return nil
}

// orDefault is d when v is unset.
func orDefault(v, d time.Duration) time.Duration {
	if v == 0 {
		return d
	}
	return v
}

// startHealth resets the health state of a container that just started
// and starts its probe loop, as dockerd's initHealthMonitor. resume keeps
// the recorded status (an engine that reconnects to a running container).
func (s *Service) startHealth(c *ctr, resume bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s.stopHealthLocked(c)
	cmd := probeCommand(c.rec.Config)
	if cmd == nil || !c.rec.State.Running {
		return
	}
	st := &c.rec.State
	h := copyHealth(st.Health)
	if !resume || h.Status == "" {
		h.Status = container.Starting
		h.FailingStreak = 0
	}
	st.Health = h
	stop := make(chan struct{})
	c.health.stop = stop
	go s.probeLoop(c, cmd, *c.rec.Config.Healthcheck, st.StartedAt, stop)
}

// stopHealth ends the probe loop (the container stopped); the health
// state stays as it was.
func (s *Service) stopHealth(c *ctr) {
	c.mu.Lock()
	s.stopHealthLocked(c)
	c.mu.Unlock()
}

func (s *Service) stopHealthLocked(c *ctr) {
	if c.health.stop != nil {
		close(c.health.stop)
		c.health.stop = nil
	}
}

// probeLoop runs the probe at the healthcheck's interval (the start
// interval while starting within the start period) until stop, as
// dockerd's monitor and its getInterval.
func (s *Service) probeLoop(c *ctr, cmd []string, hc container.HealthConfig, started time.Time, stop chan struct{}) {
	interval := orDefault(hc.Interval, healthDefaultInterval)
	startInterval := orDefault(hc.StartInterval, healthDefaultStartInterval)
	next := func() time.Duration {
		if time.Since(started) >= hc.StartPeriod {
			return interval
		}
		c.mu.Lock()
		starting := c.rec.State.Health != nil && c.rec.State.Health.Status == container.Starting
		c.mu.Unlock()
		if starting {
			return startInterval
		}
		return interval
	}
	timer := time.NewTimer(next())
	defer timer.Stop()
	for {
		select {
		case <-stop:
			return
		case <-timer.C:
		}
		c.mu.Lock()
		paused := c.rec.State.Paused
		c.mu.Unlock()
		if !paused {
			res := s.probeOnce(c, cmd, orDefault(hc.Timeout, healthDefaultTimeout), stop)
			if res == nil {
				return
			}
			s.recordProbe(c, res, hc, stop)
		}
		timer.Reset(next())
	}
}

// probeOnce runs the probe once; nil when stop came first.
func (s *Service) probeOnce(c *ctr, cmd []string, timeout time.Duration, stop chan struct{}) *container.HealthcheckResult {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	begin := time.Now()
	code, out, err := s.runProbe(ctx, c, cmd)
	res := &container.HealthcheckResult{Start: begin, End: time.Now(), ExitCode: code, Output: out}
	select {
	case <-stop:
		return nil
	default:
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		res.ExitCode = -1
		res.Output = fmt.Sprintf("Health check exceeded timeout (%v)", timeout)
	case err != nil:
		res.ExitCode = -1
		res.Output = err.Error()
	}
	return res
}

// recordProbe applies a result as dockerd's handleProbeResult: success is
// healthy; failures within the start period do not count while starting;
// retries failures in a row are unhealthy. A change is an event.
func (s *Service) recordProbe(c *ctr, res *container.HealthcheckResult, hc container.HealthConfig, stop chan struct{}) {
	c.mu.Lock()
	select {
	case <-stop: // stopped while the probe ran
		c.mu.Unlock()
		return
	default:
	}
	if c.rec.State.Health == nil {
		c.mu.Unlock()
		return
	}
	// Copy on write: snapshots of the record (inspect, ps) keep theirs.
	h := copyHealth(c.rec.State.Health)
	old := h.Status
	applyProbeResult(h, res, hc, c.rec.State.StartedAt)
	c.rec.State.Health = h
	now := h.Status
	c.mu.Unlock()
	if old != now {
		s.save(c, false)
		s.publish(c, events.Action(string(events.ActionHealthStatus)+": "+string(now)), nil)
	}
}

// applyProbeResult is the pure part of recordProbe.
func applyProbeResult(h *container.Health, res *container.HealthcheckResult, hc container.HealthConfig, startedAt time.Time) {
	h.Log = append(h.Log, res)
	if len(h.Log) > healthMaxLog {
		h.Log = append([]*container.HealthcheckResult(nil), h.Log[len(h.Log)-healthMaxLog:]...)
	}
	if res.ExitCode == 0 {
		h.FailingStreak = 0
		h.Status = container.Healthy
		return
	}
	if h.Status == container.Starting && res.Start.Sub(startedAt) < hc.StartPeriod {
		return
	}
	h.FailingStreak++
	retries := hc.Retries
	if retries <= 0 {
		retries = healthDefaultRetries
	}
	if h.FailingStreak >= retries {
		h.Status = container.Unhealthy
	}
}

// healthStatus is the health as `ps` filters it: "none" without a
// healthcheck.
func healthStatus(st *state) container.HealthStatus {
	if st.Health == nil || st.Health.Status == "" {
		return container.NoHealthcheck
	}
	return st.Health.Status
}

// healthSuffix is the ps Status suffix of a running container: " (healthy)",
// " (unhealthy)", " (health: starting)", "" without a healthcheck.
func healthSuffix(st *state) string {
	switch hs := healthStatus(st); hs {
	case container.NoHealthcheck:
		return ""
	case container.Starting:
		return " (health: starting)"
	default:
		return " (" + string(hs) + ")"
	}
}

// healthSummary is the Health of a `docker ps` entry (API 1.52).
func healthSummary(st *state) *container.HealthSummary {
	hs := &container.HealthSummary{Status: healthStatus(st)}
	if st.Health != nil {
		hs.FailingStreak = st.Health.FailingStreak
	}
	return hs
}

// copyHealth copies h (a new, empty one for nil); records' Health values
// are never changed in place.
func copyHealth(h *container.Health) *container.Health {
	if h == nil {
		return &container.Health{}
	}
	cp := *h
	cp.Log = append([]*container.HealthcheckResult(nil), h.Log...)
	return &cp
}
