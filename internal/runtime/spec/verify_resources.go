package spec

import (
	"runtime"
	"strings"

	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"
	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
)

// linuxMinMemory is Docker's smallest memory limit (6 MiB).
const linuxMinMemory = 6 << 20

// numCPU is the CPUs this process may use; a var for tests.
var numCPU = runtime.NumCPU

// support is what resource control can be applied, dockerd's sysinfo.
type support struct {
	memory, swap, reservation, swappiness, oomKillDisable bool
	pids, cpuShares, cpuCfs, cpuset, blkio                bool
}

// supportOf maps cgroup detection to dockerd's sysinfo flags. Only
// cgroup v2 with delegation enforces anything; like dockerd on v2,
// swappiness and OOM-kill disabling are never available, and skiff does
// not write io weights or throttles.
func supportOf(info cgroups.Info) support {
	if !info.Delegated {
		return support{}
	}
	mem := info.Has("memory")
	cpu := info.Has("cpu")
	return support{
		memory: mem, swap: mem, reservation: mem,
		pids: info.Has("pids"), cpuShares: cpu, cpuCfs: cpu, cpuset: info.Has("cpuset"),
	}
}

// verifyResources is dockerd's verifyPlatformContainerResources: limits
// that cannot be applied are discarded from r with Docker's warnings,
// invalid ones rejected with its messages.
//
// One deliberate difference: dockerd refuses --cpus ("NanoCPUs can not
// be set…") where CFS is unavailable, which makes every --cpus fail on a
// rootless host without delegation; skiff discards it with a warning like
// the other limits.
func verifyResources(r *container.Resources, info cgroups.Info, rootless bool) (warnings []string, err error) {
	sys := supportOf(info)
	if r.MemorySwappiness != nil && *r.MemorySwappiness == -1 {
		r.MemorySwappiness = nil // -1 is the API's "unset"
	}

	if r.Memory != 0 && r.Memory < linuxMinMemory {
		return warnings, invalidf("Minimum memory limit allowed is 6MB")
	}
	if r.Memory > 0 && !sys.memory {
		warnings = append(warnings, "Your kernel does not support memory limit capabilities or the cgroup is not mounted. Limitation discarded.")
		r.Memory = 0
		r.MemorySwap = -1
	}
	if r.Memory > 0 && r.MemorySwap != -1 && !sys.swap {
		warnings = append(warnings, "Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.")
		r.MemorySwap = -1
	}
	if r.Memory > 0 && r.MemorySwap > 0 && r.MemorySwap < r.Memory {
		return warnings, invalidf("Minimum memoryswap limit should be larger than memory limit, see usage")
	}
	if r.Memory == 0 && r.MemorySwap > 0 {
		return warnings, invalidf("You should always set the Memory limit when using Memoryswap limit, see usage")
	}
	if r.MemorySwappiness != nil && !sys.swappiness {
		warnings = append(warnings, "Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.")
		r.MemorySwappiness = nil
	}
	if r.MemorySwappiness != nil && (*r.MemorySwappiness < 0 || *r.MemorySwappiness > 100) {
		return warnings, invalidf("Invalid value: %v, valid memory swappiness range is 0-100", *r.MemorySwappiness)
	}
	if r.MemoryReservation > 0 && !sys.reservation {
		warnings = append(warnings, "Your kernel does not support memory soft limit capabilities or the cgroup is not mounted. Limitation discarded.")
		r.MemoryReservation = 0
	}
	if r.MemoryReservation > 0 && r.MemoryReservation < linuxMinMemory {
		return warnings, invalidf("Minimum memory reservation allowed is 6MB")
	}
	if r.Memory > 0 && r.MemoryReservation > 0 && r.Memory < r.MemoryReservation {
		return warnings, invalidf("Minimum memory limit can not be less than memory reservation limit, see usage")
	}
	if r.OomKillDisable != nil && !sys.oomKillDisable {
		if *r.OomKillDisable {
			warnings = append(warnings, "Your kernel does not support OomKillDisable. OomKillDisable discarded.")
		}
		r.OomKillDisable = nil
	}
	if r.PidsLimit != nil && !sys.pids {
		if *r.PidsLimit > 0 {
			warnings = append(warnings, "Your kernel does not support PIDs limit capabilities or the cgroup is not mounted. PIDs limit discarded.")
		}
		r.PidsLimit = nil
	}

	if r.NanoCPUs > 0 && r.CPUPeriod > 0 {
		return warnings, invalidf("Conflicting options: Nano CPUs and CPU Period cannot both be set")
	}
	if r.NanoCPUs > 0 && r.CPUQuota > 0 {
		return warnings, invalidf("Conflicting options: Nano CPUs and CPU Quota cannot both be set")
	}
	if r.NanoCPUs != 0 {
		if nc := numCPU(); r.NanoCPUs < 0 || r.NanoCPUs > int64(nc)*1e9 {
			return warnings, invalidf("Range of CPUs is from 0.01 to %[1]d.00, as there are only %[1]d CPUs available", nc)
		}
	}
	if r.NanoCPUs > 0 && !sys.cpuCfs {
		warnings = append(warnings, "Your kernel does not support CPU CFS scheduler or the cgroup is not mounted. NanoCPUs discarded.")
		r.NanoCPUs = 0
	}
	if r.CPUShares > 0 && !sys.cpuShares {
		warnings = append(warnings, "Your kernel does not support CPU shares or the cgroup is not mounted. Shares discarded.")
		r.CPUShares = 0
	}
	if (r.CPUPeriod != 0 || r.CPUQuota != 0) && !sys.cpuCfs {
		warnings = append(warnings, "Your kernel does not support CPU CFS scheduler. CPU period/quota discarded.")
		r.CPUPeriod = 0
		r.CPUQuota = 0
	}
	if r.CPUPeriod != 0 && (r.CPUPeriod < 1000 || r.CPUPeriod > 1000000) {
		return warnings, invalidf("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)")
	}
	if r.CPUQuota > 0 && r.CPUQuota < 1000 {
		return warnings, invalidf("CPU cfs quota can not be less than 1ms (i.e. 1000)")
	}
	if r.CPUPercent > 0 {
		warnings = append(warnings, "linux does not support CPU percent. Percent discarded.")
		r.CPUPercent = 0
	}
	if r.CPURealtimePeriod != 0 || r.CPURealtimeRuntime != 0 {
		warnings = append(warnings, "Your kernel does not support CPU real-time scheduler. CPU real-time period/runtime discarded.")
		r.CPURealtimePeriod = 0
		r.CPURealtimeRuntime = 0
	}
	if (r.CpusetCpus != "" || r.CpusetMems != "") && !sys.cpuset {
		warnings = append(warnings, "Your kernel does not support cpuset or the cgroup is not mounted. Cpuset discarded.")
		r.CpusetCpus = ""
		r.CpusetMems = ""
	}

	if r.BlkioWeight > 0 && !sys.blkio {
		warnings = append(warnings, "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.")
		r.BlkioWeight = 0
	}
	if r.BlkioWeight > 0 && (r.BlkioWeight < 10 || r.BlkioWeight > 1000) {
		return warnings, invalidf("Range of blkio weight is from 10 to 1000")
	}
	if r.IOMaximumBandwidth != 0 || r.IOMaximumIOps != 0 {
		return warnings, invalidf("Invalid QoS settings: linux does not support Maximum IO Bandwidth or Maximum IO IOps")
	}
	if len(r.BlkioWeightDevice) > 0 && !sys.blkio {
		warnings = append(warnings, "Your kernel does not support Block I/O weight_device or the cgroup is not mounted. Weight-device discarded.")
		r.BlkioWeightDevice = []*blkiodev.WeightDevice{}
	}
	for _, t := range []struct {
		devs *[]*blkiodev.ThrottleDevice
		msg  string
	}{
		{&r.BlkioDeviceReadBps, "Your kernel does not support BPS Block I/O read limit or the cgroup is not mounted. Block I/O BPS read limit discarded."},
		{&r.BlkioDeviceWriteBps, "Your kernel does not support BPS Block I/O write limit or the cgroup is not mounted. Block I/O BPS write limit discarded."},
		{&r.BlkioDeviceReadIOps, "Your kernel does not support IOPS Block read limit or the cgroup is not mounted. Block I/O IOPS read limit discarded."},
		{&r.BlkioDeviceWriteIOps, "Your kernel does not support IOPS Block write limit or the cgroup is not mounted. Block I/O IOPS write limit discarded."},
	} {
		if len(*t.devs) > 0 && !sys.blkio {
			warnings = append(warnings, t.msg)
			*t.devs = []*blkiodev.ThrottleDevice{}
		}
	}
	if rootless && len(warnings) > 0 {
		// say why, in the words `docker info` uses for this host
		if w := cgroups.InfoWarning(info, true); w != "" {
			warnings = append(warnings, strings.TrimPrefix(w, "WARNING: "))
		}
	}
	return warnings, nil
}
