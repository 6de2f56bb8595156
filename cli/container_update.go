package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// updateCmd is `skiff update` and `skiff container update`. A flag not
// given leaves its setting alone: zero values mean "unchanged" to the API.
type updateCmd struct {
	BlkioWeight       uint16   `placeholder:"N" help:"Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)."`
	CPUPeriod         int64    `name:"cpu-period" placeholder:"N" help:"Limit CPU CFS (Completely Fair Scheduler) period."`
	CPUQuota          int64    `name:"cpu-quota" placeholder:"N" help:"Limit CPU CFS (Completely Fair Scheduler) quota."`
	CPURtPeriod       int64    `name:"cpu-rt-period" placeholder:"N" help:"Limit the CPU real-time period in microseconds."`
	CPURtRuntime      int64    `name:"cpu-rt-runtime" placeholder:"N" help:"Limit the CPU real-time runtime in microseconds."`
	CPUShares         int64    `name:"cpu-shares" placeholder:"N" help:"CPU shares (relative weight) (-c)."`
	CPUs              string   `name:"cpus" placeholder:"DECIMAL" help:"Number of CPUs."`
	CpusetCpus        string   `placeholder:"CPUS" help:"CPUs in which to allow execution (0-3, 0,1)."`
	CpusetMems        string   `placeholder:"MEMS" help:"MEMs in which to allow execution (0-3, 0,1)."`
	Memory            string   `short:"m" placeholder:"BYTES" help:"Memory limit."`
	MemoryReservation string   `placeholder:"BYTES" help:"Memory soft limit."`
	MemorySwap        string   `placeholder:"BYTES" help:"Swap limit equal to memory plus swap: -1 to enable unlimited swap."`
	PidsLimit         int64    `placeholder:"N" help:"Tune container pids limit (set -1 for unlimited)."`
	Restart           string   `placeholder:"POLICY" help:"Restart policy to apply when a container exits."`
	Containers        []string `arg:"" name:"container" help:"Containers to update."`
}

// Run updates each container and prints its name, then the daemon's
// warnings, as docker does.
func (c *updateCmd) Run(a *app) error {
	res := container.Resources{
		BlkioWeight: c.BlkioWeight, CPUPeriod: c.CPUPeriod, CPUQuota: c.CPUQuota,
		CPURealtimePeriod: c.CPURtPeriod, CPURealtimeRuntime: c.CPURtRuntime, CPUShares: c.CPUShares,
		CpusetCpus: c.CpusetCpus, CpusetMems: c.CpusetMems,
	}
	set := res.BlkioWeight != 0 || res.CPUPeriod != 0 || res.CPUQuota != 0 || res.CPURealtimePeriod != 0 ||
		res.CPURealtimeRuntime != 0 || res.CPUShares != 0 || res.CpusetCpus != "" || res.CpusetMems != "" ||
		c.CPUs != "" || c.Memory != "" || c.MemoryReservation != "" || c.MemorySwap != "" || c.PidsLimit != 0 || c.Restart != ""
	if !set {
		return errors.New("you must provide one or more flags when using this command")
	}
	if err := parseLimits(&res, c.Memory, c.MemoryReservation, c.MemorySwap, c.CPUs); err != nil {
		return flagUsageError(err, "update")
	}
	if c.PidsLimit != 0 {
		res.PidsLimit = &c.PidsLimit
	}
	opts := client.ContainerUpdateOptions{Resources: &res}
	if c.Restart != "" {
		p, err := parseRestartPolicy(c.Restart)
		if err != nil {
			return err
		}
		opts.RestartPolicy = &p
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	var warnings, errs []string
	for _, n := range c.Containers {
		r, err := cl.ContainerUpdate(a.ctx, n, opts)
		if err != nil {
			errs = append(errs, a.describe(err))
		} else {
			fmt.Fprintln(a.Stdout, n)
		}
		warnings = append(warnings, r.Warnings...)
	}
	if len(warnings) > 0 {
		fmt.Fprintln(a.Stdout, strings.Join(warnings, "\n"))
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// flagUsageError prints a flagValueError as docker's flag parser does:
// the message, a pointer to the help, exit status 125.
func flagUsageError(err error, cmd string) error {
	return statusError{Code: 125, Msg: fmt.Sprintf("%v\nSee 'skiff %s --help'.", err, cmd)}
}
