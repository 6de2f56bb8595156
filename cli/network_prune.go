package cli

import (
	"fmt"
	"strings"

	"github.com/moby/moby/client"
)

// networkPruneCmd is `skiff network prune`.
type networkPruneCmd struct {
	Force  bool     `short:"f" help:"Do not prompt for confirmation."`
	Filter []string `sep:"none" placeholder:"FILTER" help:"Provide filter values (e.g. \"until=<timestamp>\")."`
}

const pruneNetworksWarning = "WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?"

// Run asks (unless -f), removes the unused custom networks and lists them.
// Answering no ends quietly, as the other prunes do.
func (c *networkPruneCmd) Run(a *app) error {
	filters, err := parseFilters("--filter", c.Filter)
	if err != nil {
		return err
	}
	if cfg, err := a.configFile(); err == nil {
		mergePruneFilters(filters, cfg.pruneFilters())
	}
	if !c.Force && !confirm(a.ctx, a.Stdin, a.Stdout, pruneNetworksWarning) {
		return nil
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.NetworkPrune(a.ctx, client.NetworkPruneOptions{Filters: filters})
	if err != nil {
		return err
	}
	if deleted := res.Report.NetworksDeleted; len(deleted) > 0 {
		fmt.Fprintln(a.Stdout, "Deleted Networks:\n"+strings.Join(deleted, "\n")+"\n")
	}
	return nil
}
