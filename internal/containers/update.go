package containers

import (
	"context"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"

	"github.com/skiff-engine/skiff/internal/runtime/spec"
)

// Update changes the restart policy and the resources of a container.
// Resources go through the same checks as at create: what cannot be
// applied without delegated cgroups is dropped with Docker's warnings.
// New limits apply from the next start.
func (s *Service) Update(ctx context.Context, idOrName string, uc *container.UpdateConfig) (container.UpdateResponse, error) {
	resp := container.UpdateResponse{Warnings: []string{}}
	if uc == nil {
		return resp, nil
	}
	c, err := s.get(idOrName)
	if err != nil {
		return resp, err
	}
	c.opMu.Lock()
	defer c.opMu.Unlock()
	c.mu.Lock()
	hc := *c.rec.HostConfig
	cfg := *c.rec.Config
	removing := c.removing
	c.mu.Unlock()
	if removing {
		return resp, errdefs.ErrConflict.WithMessage("container is marked for removal and cannot be \"update\"")
	}
	applyResources(&hc.Resources, &uc.Resources)
	if uc.RestartPolicy.Name != "" {
		if hc.AutoRemove && !uc.RestartPolicy.IsNone() {
			return resp, errdefs.ErrConflict.WithMessage("Restart policy cannot be updated because AutoRemove is enabled for the container")
		}
		// Read at the next exit: the new policy takes effect from there.
		hc.RestartPolicy = uc.RestartPolicy
	}
	warnings, err := spec.Verify(&hc, &cfg, s.opt.Cgroups, s.opt.Rootless)
	if err != nil {
		return resp, err
	}
	if warnings != nil {
		resp.Warnings = warnings
	}
	c.mu.Lock()
	c.rec.HostConfig = &hc
	c.mu.Unlock()
	if err := s.save(c, true); err != nil {
		return resp, err
	}
	s.publish(c, events.ActionUpdate, nil)
	return resp, nil
}

// applyResources copies the fields an update sets (non-zero) over r.
func applyResources(r, u *container.Resources) {
	if u.BlkioWeight != 0 {
		r.BlkioWeight = u.BlkioWeight
	}
	if u.CPUShares != 0 {
		r.CPUShares = u.CPUShares
	}
	if u.NanoCPUs != 0 {
		r.NanoCPUs = u.NanoCPUs
	}
	if u.CPUPeriod != 0 {
		r.CPUPeriod = u.CPUPeriod
	}
	if u.CPUQuota != 0 {
		r.CPUQuota = u.CPUQuota
	}
	if u.CPURealtimePeriod != 0 {
		r.CPURealtimePeriod = u.CPURealtimePeriod
	}
	if u.CPURealtimeRuntime != 0 {
		r.CPURealtimeRuntime = u.CPURealtimeRuntime
	}
	if u.CpusetCpus != "" {
		r.CpusetCpus = u.CpusetCpus
	}
	if u.CpusetMems != "" {
		r.CpusetMems = u.CpusetMems
	}
	if u.Memory != 0 {
		r.Memory = u.Memory
	}
	if u.MemoryReservation != 0 {
		r.MemoryReservation = u.MemoryReservation
	}
	if u.MemorySwap != 0 {
		r.MemorySwap = u.MemorySwap
	}
	if u.PidsLimit != nil {
		r.PidsLimit = u.PidsLimit
	}
}
