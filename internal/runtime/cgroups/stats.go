package cgroups

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/moby/moby/api/types/container"
	"github.com/skiff-engine/skiff/internal/hostinfo"
)

// Metrics are a container cgroup's counters in the Docker stats API shapes.
// CPUStats.SystemUsage and OnlineCPUs are host values, which
// internal/procinfo's samples carry.
type Metrics struct {
	Memory container.MemoryStats
	CPU    container.CPUStats
	Pids   container.PidsStats
	Blkio  container.BlkioStats
}

// Stats reads memory.current, memory.max, memory.stat, memory.events,
// cpu.stat, pids.current, pids.max and io.stat of the cgroup at path,
// converted as dockerd does for cgroup v2. Files of controllers that are
// not enabled are skipped.
func Stats(path string) (Metrics, error) {
	var s Metrics
	if _, err := os.Stat(path); err != nil {
		return s, fmt.Errorf("cgroup stats: %w", err)
	}
	if v, ok := readUint(path, "memory.current"); ok {
		s.Memory.Usage = v
	}
	if v, ok := readUint(path, "memory.max"); ok {
		s.Memory.Limit = v
	}
	// an unlimited cgroup reports the machine's memory, as dockerd does
	if total := hostMemory(); total > 0 && (s.Memory.Limit == 0 || s.Memory.Limit > total) {
		s.Memory.Limit = total
	}
	if b, err := os.ReadFile(filepath.Join(path, "memory.stat")); err == nil {
		s.Memory.Stats = parseFlatKeyed(string(b))
	}
	if b, err := os.ReadFile(filepath.Join(path, "memory.events")); err == nil {
		s.Memory.Failcnt = parseFlatKeyed(string(b))["oom"]
	}
	if b, err := os.ReadFile(filepath.Join(path, "cpu.stat")); err == nil {
		s.CPU = cpuStats(parseFlatKeyed(string(b)))
	}
	if v, ok := readUint(path, "pids.current"); ok {
		s.Pids.Current = v
	}
	if v, ok := readUint(path, "pids.max"); ok && v != math.MaxUint64 {
		s.Pids.Limit = v
	}
	if b, err := os.ReadFile(filepath.Join(path, "io.stat")); err == nil {
		s.Blkio = parseIOStat(string(b))
	}
	return s, nil
}

// cpuStats maps cpu.stat (µs) to Docker's CPUStats (ns).
func cpuStats(kv map[string]uint64) container.CPUStats {
	return container.CPUStats{
		CPUUsage: container.CPUUsage{
			TotalUsage:        kv["usage_usec"] * 1000,
			UsageInKernelmode: kv["system_usec"] * 1000,
			UsageInUsermode:   kv["user_usec"] * 1000,
		},
		ThrottlingData: container.ThrottlingData{
			Periods:          kv["nr_periods"],
			ThrottledPeriods: kv["nr_throttled"],
			ThrottledTime:    kv["throttled_usec"] * 1000,
		},
	}
}

// readUint reads a single-value file; "max" is math.MaxUint64.
func readUint(dir, name string) (uint64, bool) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return 0, false
	}
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return math.MaxUint64, true
	}
	v, err := strconv.ParseUint(s, 10, 64)
	return v, err == nil
}

// parseFlatKeyed parses "key value" lines (memory.stat, cpu.stat, …),
// skipping lines whose value is not a number.
func parseFlatKeyed(content string) map[string]uint64 {
	out := map[string]uint64{}
	for line := range strings.SplitSeq(content, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil {
			out[k] = n
		}
	}
	return out
}

// parseIOStat turns io.stat lines ("8:0 rbytes=1 wbytes=2 rios=3 …") into
// read and write byte counts per device, the only part dockerd reports
// on cgroup v2.
func parseIOStat(content string) container.BlkioStats {
	var entries []container.BlkioStatEntry
	for line := range strings.SplitSeq(content, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		majS, minS, ok := strings.Cut(fields[0], ":")
		if !ok {
			continue
		}
		major, err1 := strconv.ParseUint(majS, 10, 64)
		minor, err2 := strconv.ParseUint(minS, 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		var rbytes, wbytes uint64
		for _, f := range fields[1:] {
			k, v, _ := strings.Cut(f, "=")
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				continue
			}
			switch k {
			case "rbytes":
				rbytes = n
			case "wbytes":
				wbytes = n
			}
		}
		entries = append(entries,
			container.BlkioStatEntry{Major: major, Minor: minor, Op: "read", Value: rbytes},
			container.BlkioStatEntry{Major: major, Minor: minor, Op: "write", Value: wbytes})
	}
	return container.BlkioStats{IoServiceBytesRecursive: entries}
}

// hostMemory is the machine's memory in bytes (0 if unknown), read once
// as dockerd reads its machineMemory; a var for tests.
var hostMemory = sync.OnceValue(func() uint64 { return uint64(max(hostinfo.MemTotal(), 0)) })
