package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/container"
)

// statsEntry is one container's figures in `stats`, computed from a
// sample as docker does.
type statsEntry struct {
	container string // as the user named it, or its ID
	id, name  string
	trunc     bool

	cpuPercent, memPercent float64
	memory, memLimit       float64
	netRx, netTx           float64
	blockRead, blockWrite  float64
	pids                   uint64
	invalid                bool // no sample: shown as "--"
}

// newStatsEntry computes the figures of one sample. The CPU share is the
// container's CPU time over the host's between the previous sample and
// this one, times the CPUs; memory leaves out the inactive page cache.
func newStatsEntry(ref string, s *container.StatsResponse, trunc bool) *statsEntry {
	e := &statsEntry{container: ref, id: s.ID, name: strings.TrimPrefix(s.Name, "/"), trunc: trunc}
	cpuDelta := float64(s.CPUStats.CPUUsage.TotalUsage) - float64(s.PreCPUStats.CPUUsage.TotalUsage)
	sysDelta := float64(s.CPUStats.SystemUsage) - float64(s.PreCPUStats.SystemUsage)
	cpus := float64(s.CPUStats.OnlineCPUs)
	if cpus == 0 {
		cpus = float64(len(s.CPUStats.CPUUsage.PercpuUsage))
	}
	if sysDelta > 0 && cpuDelta > 0 {
		e.cpuPercent = cpuDelta / sysDelta * cpus * 100
	}
	e.memory = memUsageNoCache(s.MemoryStats)
	e.memLimit = float64(s.MemoryStats.Limit)
	if e.memLimit != 0 {
		e.memPercent = e.memory / e.memLimit * 100
	}
	for _, n := range s.Networks {
		e.netRx += float64(n.RxBytes)
		e.netTx += float64(n.TxBytes)
	}
	for _, b := range s.BlkioStats.IoServiceBytesRecursive {
		switch strings.ToLower(b.Op) {
		case "read":
			e.blockRead += float64(b.Value)
		case "write":
			e.blockWrite += float64(b.Value)
		}
	}
	e.pids = s.PidsStats.Current
	return e
}

// memUsageNoCache is the usage without the inactive file cache: the
// cgroup v1 key first, then v2's.
func memUsageNoCache(m container.MemoryStats) float64 {
	if v, ok := m.Stats["total_inactive_file"]; ok && v < m.Usage {
		return float64(m.Usage - v)
	}
	if v := m.Stats["inactive_file"]; v < m.Usage {
		return float64(m.Usage - v)
	}
	return float64(m.Usage)
}

// Container is the container as named on the command line.
func (e *statsEntry) Container() string { return e.container }

// ID is the container ID, short unless --no-trunc.
func (e *statsEntry) ID() string {
	if e.trunc {
		return truncateID(e.id)
	}
	return e.id
}

// Name is the container name, "--" when unknown.
func (e *statsEntry) Name() string {
	if e.name == "" {
		return "--"
	}
	return e.name
}

// CPUPerc is "12.34%".
func (e *statsEntry) CPUPerc() string { return e.percent(e.cpuPercent) }

// MemPerc is "1.23%".
func (e *statsEntry) MemPerc() string { return e.percent(e.memPercent) }

func (e *statsEntry) percent(v float64) string {
	if e.invalid {
		return "--"
	}
	return fmt.Sprintf("%.2f%%", v)
}

// MemUsage is "1.5MiB / 1.944GiB".
func (e *statsEntry) MemUsage() string {
	if e.invalid {
		return "-- / --"
	}
	return units.BytesSize(e.memory) + " / " + units.BytesSize(e.memLimit)
}

// NetIO is received / sent bytes, "1.2kB / 648B".
func (e *statsEntry) NetIO() string { return e.pair(e.netRx, e.netTx) }

// BlockIO is read / written bytes.
func (e *statsEntry) BlockIO() string { return e.pair(e.blockRead, e.blockWrite) }

func (e *statsEntry) pair(a, b float64) string {
	if e.invalid {
		return "--"
	}
	return units.HumanSizeWithPrecision(a, 3) + " / " + units.HumanSizeWithPrecision(b, 3)
}

// PIDs is the number of processes.
func (e *statsEntry) PIDs() string {
	if e.invalid {
		return "--"
	}
	return fmt.Sprint(e.pids)
}

// MarshalJSON gives `--format json` docker's keys.
func (e *statsEntry) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{
		"Container": e.Container(), "ID": e.ID(), "Name": e.Name(), "CPUPerc": e.CPUPerc(),
		"MemUsage": e.MemUsage(), "MemPerc": e.MemPerc(), "NetIO": e.NetIO(), "BlockIO": e.BlockIO(), "PIDs": e.PIDs(),
	})
}

// statsHeaders are the column titles of `stats`.
var statsHeaders = map[string]string{
	"Container": "CONTAINER", "ID": "CONTAINER ID", "Name": "NAME", "CPUPerc": "CPU %",
	"MemUsage": "MEM USAGE / LIMIT", "MemPerc": "MEM %", "NetIO": "NET I/O", "BlockIO": "BLOCK I/O", "PIDs": "PIDS",
}
