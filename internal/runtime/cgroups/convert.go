package cgroups

import (
	"fmt"
	"strconv"

	"github.com/containerd/errdefs"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// defaultCPUPeriod is the CFS period (µs) used when only a quota is given.
const defaultCPUPeriod = 100000

// SharesToWeight converts v1 cpu.shares (2..262144) to v2 cpu.weight
// (1..10000) with runc's formula; 0 means "not set".
func SharesToWeight(shares uint64) uint64 {
	if shares == 0 {
		return 0
	}
	shares = min(max(shares, 2), 262144)
	return 1 + ((shares-2)*9999)/262142
}

// cpuMax is the cpu.max value for a quota and period in µs: "max" with no
// quota, and the default period when none is given.
func cpuMax(quota int64, period uint64) string {
	if period == 0 {
		period = defaultCPUPeriod
	}
	if quota <= 0 {
		return "max " + strconv.FormatUint(period, 10)
	}
	return strconv.FormatInt(quota, 10) + " " + strconv.FormatUint(period, 10)
}

// NanoCPUsToQuota turns Docker's --cpus (1e9 per CPU) into a CFS quota for
// the default period, as dockerd does.
func NanoCPUsToQuota(nano int64) (quota int64, period uint64) {
	return nano * defaultCPUPeriod / 1e9, defaultCPUPeriod
}

// swapMax converts the v1 style memory+swap total to v2 memory.swap.max,
// which counts swap alone (runc's rules). ok is false when nothing is to
// be written.
func swapMax(memory, memSwap int64) (value string, ok bool, err error) {
	switch {
	case memSwap == 0:
		return "", false, nil
	case memSwap == -1:
		return "max", true, nil
	case memory == -1:
		// swap without a memory limit is meaningless; leave it alone
		return "", false, nil
	case memory == 0:
		return "", false, errdefs.ErrInvalidArgument.WithMessage("unable to set swap limit without memory limit")
	case memSwap < memory:
		return "", false, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("memory+swap limit (%d) should be >= memory limit (%d)", memSwap, memory))
	}
	return strconv.FormatInt(memSwap-memory, 10), true, nil
}

// limitValue renders a byte or count limit where -1 (or less) means "max".
func limitValue(v int64) string {
	if v < 0 {
		return "max"
	}
	return strconv.FormatInt(v, 10)
}

// setting is one interface file and the value written to it.
type setting struct{ file, value string }

// settings lists the writes that apply res, in a stable order. Controllers
// the engine does not have are skipped, so a partial delegation still
// applies what it can.
func settings(info Info, res *specs.LinuxResources) ([]setting, error) {
	if res == nil {
		return nil, nil
	}
	var out []setting
	if m := res.Memory; m != nil && info.Has("memory") {
		var limit int64
		if m.Limit != nil && *m.Limit != 0 {
			limit = *m.Limit
			out = append(out, setting{"memory.max", limitValue(limit)})
		}
		if m.Reservation != nil && *m.Reservation > 0 {
			out = append(out, setting{"memory.low", strconv.FormatInt(*m.Reservation, 10)})
		}
		if m.Swap != nil {
			v, ok, err := swapMax(limit, *m.Swap)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, setting{"memory.swap.max", v})
			}
		}
	}
	if c := res.CPU; c != nil {
		if info.Has("cpu") {
			if c.Shares != nil && *c.Shares != 0 {
				out = append(out, setting{"cpu.weight", strconv.FormatUint(SharesToWeight(*c.Shares), 10)})
			}
			var quota int64
			var period uint64
			if c.Quota != nil {
				quota = *c.Quota
			}
			if c.Period != nil {
				period = *c.Period
			}
			if quota != 0 || period != 0 {
				out = append(out, setting{"cpu.max", cpuMax(quota, period)})
			}
		}
		if info.Has("cpuset") {
			if c.Cpus != "" {
				out = append(out, setting{"cpuset.cpus", c.Cpus})
			}
			if c.Mems != "" {
				out = append(out, setting{"cpuset.mems", c.Mems})
			}
		}
	}
	if p := res.Pids; p != nil && p.Limit != nil && info.Has("pids") {
		v := *p.Limit
		if v == 0 {
			v = -1 // Docker's API: 0 means unlimited
		}
		out = append(out, setting{"pids.max", limitValue(v)})
	}
	return out, nil
}
