package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/docker/go-units"
	"github.com/moby/moby/client"
)

// containerPruneCmd is `skiff container prune`.
type containerPruneCmd struct {
	Force  bool     `short:"f" help:"Do not prompt for confirmation."`
	Filter []string `sep:"none" placeholder:"FILTER" help:"Provide filter values (e.g. \"until=<timestamp>\")."`
}

const pruneContainersWarning = "WARNING! This will remove all stopped containers.\nAre you sure you want to continue?"

// Run asks (unless -f), removes the stopped containers and lists them
// with the space freed. Answering no ends quietly, as `image prune` does.
func (c *containerPruneCmd) Run(a *app) error {
	filters, err := parseFilters("--filter", c.Filter)
	if err != nil {
		return err
	}
	if cfg, err := a.configFile(); err == nil {
		mergePruneFilters(filters, cfg.pruneFilters())
	}
	if !c.Force && !confirm(a.ctx, a.Stdin, a.Stdout, pruneContainersWarning) {
		return nil
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.ContainerPrune(a.ctx, client.ContainerPruneOptions{Filters: filters})
	if err != nil {
		return err
	}
	printPruned(a.Stdout, "Deleted Containers", res.Report.ContainersDeleted, res.Report.SpaceReclaimed)
	return nil
}

// printPruned prints a prune's result as docker does: what was deleted,
// under title, then the space reclaimed (0 when nothing was deleted).
func printPruned(w io.Writer, title string, deleted []string, reclaimed uint64) {
	if len(deleted) == 0 {
		reclaimed = 0
	} else {
		fmt.Fprintf(w, "%s:\n%s\n\n", title, strings.Join(deleted, "\n"))
	}
	fmt.Fprintln(w, "Total reclaimed space:", units.HumanSize(float64(reclaimed)))
}
