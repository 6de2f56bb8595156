package containers

import (
	"context"
	"errors"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"

	"github.com/skiff-engine/skiff/api/server"
	"github.com/skiff-engine/skiff/internal/procinfo"
	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
)

// runningPid returns a running container's PID 1 (as the engine sees it).
func (s *Service) runningPid(c *ctr) (pid int, rec record, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.rec.State.Running || c.rec.State.Pid == 0 {
		return 0, c.rec, errNotRunning(c.rec.ID)
	}
	return c.rec.State.Pid, c.rec, nil
}

// Top lists the container's processes.
func (s *Service) Top(ctx context.Context, idOrName, psArgs string) (container.TopResponse, error) {
	c, err := s.get(idOrName)
	if err != nil {
		return container.TopResponse{}, err
	}
	pid, _, err := s.runningPid(c)
	if err != nil {
		return container.TopResponse{}, err
	}
	pids, err := procinfo.ContainerPIDs(pid)
	if err != nil {
		return container.TopResponse{}, err
	}
	resp, err := procinfo.Top(pids, psArgs)
	if err != nil {
		return resp, err
	}
	s.publish(c, events.ActionTop, nil)
	return resp, nil
}

// Stats emits one sample, or one a second while streaming, with the
// previous sample's CPU as PreCPUStats so clients can compute CPU %.
func (s *Service) Stats(ctx context.Context, idOrName string, opts server.StatsOptions, emit func(*container.StatsResponse) error) error {
	c, err := s.get(idOrName)
	if err != nil {
		return err
	}
	var prev *container.StatsResponse
	sample := func() (*container.StatsResponse, error) {
		pid, rec, err := s.runningPid(c)
		if err != nil {
			if prev == nil && !opts.Stream {
				// Docker answers a stopped container with an empty sample.
				return &container.StatsResponse{ID: rec.ID, Name: rec.Name, Read: time.Time{}}, nil
			}
			return nil, err
		}
		pids, err := procinfo.ContainerPIDs(pid)
		if err != nil {
			return nil, err
		}
		st, err := procinfo.Sample(pid, pids)
		if err != nil {
			return nil, err
		}
		if rec.CgroupPath != "" {
			if m, err := cgroups.Stats(rec.CgroupPath); err == nil {
				st.MemoryStats, st.PidsStats, st.BlkioStats = m.Memory, m.Pids, m.Blkio
				sys, online := st.CPUStats.SystemUsage, st.CPUStats.OnlineCPUs
				st.CPUStats = m.CPU
				st.CPUStats.SystemUsage, st.CPUStats.OnlineCPUs = sys, online
			}
		}
		st.ID, st.Name = rec.ID, rec.Name
		if prev != nil {
			st.PreCPUStats, st.PreRead = prev.CPUStats, prev.Read
		}
		return st, nil
	}
	if !opts.Stream && !opts.OneShot {
		// Docker takes two samples a second apart so that a single
		// answer has a CPU delta.
		first, err := sample()
		if err != nil {
			return err
		}
		if first.Read.IsZero() {
			return emit(first)
		}
		prev = first
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return nil
		}
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		st, err := sample()
		if err != nil {
			if prev != nil {
				return nil // stopped: the stream just ends
			}
			if errors.Is(err, ctx.Err()) {
				return nil
			}
			return err
		}
		if err := emit(st); err != nil || !opts.Stream {
			return err
		}
		prev = st
		select {
		case <-tick.C:
		case <-ctx.Done():
			return nil
		}
	}
}
