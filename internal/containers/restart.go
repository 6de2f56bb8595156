package containers

import (
	"time"

	"github.com/moby/moby/api/types/container"
)

// Back-off of restart policies, dockerd's restartmanager values.
const (
	restartBackoffMin = 100 * time.Millisecond
	restartBackoffMax = time.Minute
	// restartResetAfter is how long a run must last for the back-off to
	// start again from restartBackoffMin.
	restartResetAfter = 10 * time.Second
)

// restartState is a container's restart manager, dockerd's in spirit;
// guarded by c.mu. A manual start (Start, Restart) resets it.
type restartState struct {
	// delay is the last back-off; 0 before the first restart.
	delay time.Duration
	// canceled is set by a user's stop or kill: the next exit is final
	// (dockerd's ExitOnNext).
	canceled bool
	// pending is closed to cancel a back-off in progress (nil when none).
	pending chan struct{}
	// manuallyRestarted marks the stop of a `docker restart`: its exit
	// must not auto-remove the container.
	manuallyRestarted bool
}

// shouldRestart decides, as dockerd's RestartManager.ShouldRestart,
// whether an exit restarts the container and after which delay. count is
// the container's RestartCount (on-failure's maximum); manual is a stop
// the user asked for (or a daemon shutdown); ran is how long it ran.
// It advances the back-off when it says yes.
func (r *restartState) shouldRestart(p container.RestartPolicy, count, exitCode int, manual bool, ran time.Duration) (bool, time.Duration) {
	if p.IsNone() || r.canceled {
		return false, 0
	}
	restart := false
	switch {
	case p.IsAlways():
		restart = true
	case p.IsUnlessStopped():
		restart = !manual
	case p.IsOnFailure():
		restart = exitCode != 0 && (p.MaximumRetryCount == 0 || count < p.MaximumRetryCount)
	}
	if !restart {
		return false, 0
	}
	if ran >= restartResetAfter {
		r.delay = 0
	}
	switch {
	case r.delay == 0:
		r.delay = restartBackoffMin
	case r.delay < restartBackoffMax:
		r.delay *= 2
	}
	r.delay = min(r.delay, restartBackoffMax)
	return true, r.delay
}

// restartsOnBoot tells whether a stopped container starts again when the
// daemon starts: what dockerd's restore asks of a fresh restart manager,
// for containers that have run before.
func restartsOnBoot(rec *record) bool {
	if rec.State.StartedAt.IsZero() || rec.HostConfig == nil {
		return false
	}
	var r restartState
	ok, _ := r.shouldRestart(rec.HostConfig.RestartPolicy, rec.RestartCount, rec.State.ExitCode, rec.HasBeenManuallyStopped, 0)
	return ok
}
