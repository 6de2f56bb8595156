package containers

import (
	"context"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
)

// Wait returns a channel that gets the container's exit once cond holds:
// not-running (now, if it is not running), next-exit (the next exit from
// now, even of a container that has yet to start) or removed (the exit
// code it had when it was removed: docker run --rm relies on it).
func (s *Service) Wait(ctx context.Context, idOrName string, cond container.WaitCondition) (<-chan container.WaitResponse, error) {
	c, err := s.get(idOrName)
	if err != nil {
		return nil, err
	}
	switch cond {
	case "", container.WaitConditionNotRunning, container.WaitConditionNextExit, container.WaitConditionRemoved:
	default:
		return nil, errdefs.ErrInvalidArgument.WithMessage("invalid condition: " + string(cond))
	}
	out := make(chan container.WaitResponse, 1)
	c.mu.Lock()
	var ch <-chan struct{}
	switch cond {
	case container.WaitConditionRemoved:
		ch = c.removedCh
	case container.WaitConditionNextExit:
		ch = c.exitCh
	default:
		if c.rec.State.Running {
			ch = c.exitCh
		}
	}
	if ch == nil {
		out <- waitResponse(&c.rec.State)
		c.mu.Unlock()
		return out, nil
	}
	c.mu.Unlock()
	go func() {
		select {
		case <-ch:
			c.mu.Lock()
			out <- waitResponse(&c.rec.State)
			c.mu.Unlock()
		case <-ctx.Done():
		}
	}()
	return out, nil
}

func waitResponse(st *state) container.WaitResponse {
	r := container.WaitResponse{StatusCode: int64(st.ExitCode)}
	if st.Error != "" {
		r.Error = &container.WaitExitError{Message: st.Error}
	}
	return r
}
