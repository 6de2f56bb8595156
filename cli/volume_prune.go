package cli

import (
	"github.com/moby/moby/client"
)

// volumePruneCmd is `skiff volume prune`.
type volumePruneCmd struct {
	All    bool     `short:"a" help:"Remove all unused volumes, not just anonymous ones."`
	Filter []string `sep:"none" placeholder:"FILTER" help:"Provide filter values (e.g. \"label=<label>\")."`
	Force  bool     `short:"f" help:"Do not prompt for confirmation."`
}

// docker's confirmations.
const (
	pruneVolumesWarning    = "WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?"
	pruneAllVolumesWarning = "WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?"
)

// Run asks (unless -f), prunes, and lists what went and the space freed.
func (c *volumePruneCmd) Run(a *app) error {
	filters, err := parseFilters("--filter", c.Filter)
	if err != nil {
		return err
	}
	if cfg, err := a.configFile(); err == nil {
		mergePruneFilters(filters, cfg.pruneFilters())
	}
	if _, ok := filters["all"]; ok && c.All {
		return statusError{Code: 1, Msg: `conflicting options: cannot specify both --all and --filter all=1`}
	}
	warning := pruneVolumesWarning
	if c.All {
		warning = pruneAllVolumesWarning
	}
	if !c.Force && !confirm(a.ctx, a.Stdin, a.Stdout, warning) {
		return nil
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.VolumePrune(a.ctx, client.VolumePruneOptions{All: c.All, Filters: filters})
	if err != nil {
		return err
	}
	printPruned(a.Stdout, "Deleted Volumes", res.Report.VolumesDeleted, res.Report.SpaceReclaimed)
	return nil
}
