package procinfo

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/skiff-engine/skiff/internal/hostinfo"
)

// nsPerTick turns /proc clock ticks into nanoseconds.
const nsPerTick = uint64(time.Second) / clockTicks

// Sample takes one stats sample of a container from /proc: pids are its
// processes (ContainerPIDs) and initPid its first, whose network
// namespace is the container's. ID, Name and the Pre* fields are the
// caller's.
//
//   - CPU: utime+stime of each process plus cutime+cstime, the time of
//     its children that have exited and been waited for, so that work done
//     by short-lived processes counts, as a cgroup counts it. SystemUsage
//     and OnlineCPUs come from /proc/stat as dockerd computes them.
//   - Memory: Usage is the sum of each process's Pss (smaps_rollup), which
//     shares each shared page out among the processes mapping it, so
//     shared libraries are not counted once per process; RSS (statm) when
//     smaps_rollup cannot be read. Limit is the host's MemTotal.
//   - Pids: the number of tasks (threads) of the processes.
//   - Networks: /proc/<initPid>/net/dev, every interface but lo.
//   - Blkio: read_bytes and write_bytes of /proc/<pid>/io, summed, as the
//     "read" and "write" IoServiceBytesRecursive entries.
//
// A process that exits during the sample is skipped; initPid gone is an
// error wrapping fs.ErrNotExist.
func Sample(initPid int, pids []int) (*container.StatsResponse, error) {
	s := &container.StatsResponse{Read: time.Now(), OSType: "linux"}
	var user, kernel, rss, reads, writes uint64
	for _, pid := range pids {
		st, err := readStat(pid)
		if err != nil {
			if pid == initPid {
				return nil, err
			}
			continue
		}
		user += st.utime + st.cutime
		kernel += st.stime + st.cstime
		s.PidsStats.Current += st.threads
		rss += memoryOf(pid)
		if r, w, err := ioBytes(pid); err == nil {
			reads += r
			writes += w
		}
	}
	s.CPUStats.CPUUsage = container.CPUUsage{
		TotalUsage:        (user + kernel) * nsPerTick,
		UsageInUsermode:   user * nsPerTick,
		UsageInKernelmode: kernel * nsPerTick,
	}
	var err error
	if s.CPUStats.SystemUsage, s.CPUStats.OnlineCPUs, err = systemCPU(); err != nil {
		return nil, err
	}
	s.MemoryStats.Usage = rss
	s.MemoryStats.Limit = memTotal()
	if s.Networks, err = netDev(initPid); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	s.BlkioStats.IoServiceBytesRecursive = []container.BlkioStatEntry{
		{Op: "read", Value: reads},
		{Op: "write", Value: writes},
	}
	return s, nil
}

// memoryOf is pid's Pss, or its RSS when smaps_rollup is not readable.
func memoryOf(pid int) uint64 {
	if b, err := os.ReadFile(procPath(pid, "smaps_rollup")); err == nil {
		if v, ok := field(b, "Pss:"); ok {
			return v * 1024
		}
	}
	b, err := os.ReadFile(procPath(pid, "statm"))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}

// field finds "name value ..." in a /proc key-value file.
func field(b []byte, name string) (uint64, bool) {
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(line, []byte(name)); ok {
			f := bytes.Fields(rest)
			if len(f) == 0 {
				return 0, false
			}
			v, err := strconv.ParseUint(string(f[0]), 10, 64)
			return v, err == nil
		}
	}
	return 0, false
}

func ioBytes(pid int) (read, write uint64, err error) {
	b, err := os.ReadFile(procPath(pid, "io"))
	if err != nil {
		return 0, 0, err
	}
	read, _ = field(b, "read_bytes:")
	write, _ = field(b, "write_bytes:")
	return read, write, nil
}

// systemCPU is dockerd's system_cpu_usage: the first seven fields of the
// "cpu" line of /proc/stat (user to softirq) in nanoseconds, and the
// number of "cpuN" lines.
func systemCPU() (usage uint64, online uint32, err error) {
	f, err := os.Open(procRoot + "/stat")
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || !strings.HasPrefix(fields[0], "cpu") {
			continue
		}
		if fields[0] != "cpu" {
			online++
			continue
		}
		if len(fields) < 8 {
			return 0, 0, fmt.Errorf("%s/stat: invalid cpu line", procRoot)
		}
		var ticks uint64
		for _, v := range fields[1:8] {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return 0, 0, fmt.Errorf("%s/stat: %w", procRoot, err)
			}
			ticks += n
		}
		usage = ticks * nsPerTick
	}
	return usage, online, sc.Err()
}

// memTotal is the host's MemTotal in bytes, read once (it does not
// change); a var for tests.
var memTotal = sync.OnceValue(func() uint64 { return uint64(max(hostinfo.MemTotal(), 0)) })

// netDev reads the counters of pid's network namespace, lo left out.
func netDev(pid int) (map[string]container.NetworkStats, error) {
	b, err := os.ReadFile(procPath(pid, "net/dev"))
	if err != nil {
		return nil, err
	}
	out := map[string]container.NetworkStats{}
	for line := range bytes.Lines(b) {
		name, rest, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue // the two header lines
		}
		iface := string(bytes.TrimSpace(name))
		f := bytes.Fields(rest)
		if iface == "lo" || len(f) < 16 {
			continue
		}
		var v [16]uint64
		for i := range v {
			v[i], _ = strconv.ParseUint(string(f[i]), 10, 64)
		}
		out[iface] = container.NetworkStats{
			RxBytes: v[0], RxPackets: v[1], RxErrors: v[2], RxDropped: v[3],
			TxBytes: v[8], TxPackets: v[9], TxErrors: v[10], TxDropped: v[11],
		}
	}
	return out, nil
}
