package spec

import (
	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
)

// resources converts HostConfig.Resources to the spec's cgroup resources,
// as dockerd does. Without cgroup delegation only the device rules are
// kept (for information: nothing enforces them), as Docker rootless drops
// the rest.
func resources(r container.Resources, devRules []specs.LinuxDeviceCgroup, info cgroups.Info) *specs.LinuxResources {
	out := &specs.LinuxResources{Devices: devRules}
	if !info.Delegated {
		return out
	}
	var mem specs.LinuxMemory
	if r.Memory > 0 {
		mem.Limit = &r.Memory
	}
	if r.MemoryReservation > 0 {
		mem.Reservation = &r.MemoryReservation
	}
	if r.MemorySwap > 0 || r.MemorySwap == -1 {
		mem.Swap = &r.MemorySwap
	}
	if r.MemorySwappiness != nil && *r.MemorySwappiness >= 0 {
		s := uint64(*r.MemorySwappiness)
		mem.Swappiness = &s
	}
	if r.OomKillDisable != nil && *r.OomKillDisable {
		mem.DisableOOMKiller = r.OomKillDisable
	}
	if mem != (specs.LinuxMemory{}) {
		out.Memory = &mem
	}

	var cpu specs.LinuxCPU
	if r.CPUShares > 0 {
		s := uint64(r.CPUShares)
		cpu.Shares = &s
	}
	switch {
	case r.NanoCPUs > 0:
		q, p := cgroups.NanoCPUsToQuota(r.NanoCPUs)
		cpu.Quota, cpu.Period = &q, &p
	default:
		if r.CPUQuota != 0 {
			q := r.CPUQuota
			cpu.Quota = &q
		}
		if r.CPUPeriod != 0 {
			p := uint64(r.CPUPeriod)
			cpu.Period = &p
		}
	}
	cpu.Cpus, cpu.Mems = r.CpusetCpus, r.CpusetMems
	if cpu.Shares != nil || cpu.Quota != nil || cpu.Period != nil || cpu.Cpus != "" || cpu.Mems != "" {
		out.CPU = &cpu
	}

	if r.PidsLimit != nil {
		l := *r.PidsLimit
		if l <= 0 {
			l = -1 // 0 and negative mean unlimited in Docker's API
		}
		out.Pids = &specs.LinuxPids{Limit: &l}
	}
	if r.BlkioWeight > 0 {
		w := r.BlkioWeight
		out.BlockIO = &specs.LinuxBlockIO{Weight: &w}
	}
	return out
}
