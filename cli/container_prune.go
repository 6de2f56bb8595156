package cli

import (
	"fmt"
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
	var reclaimed uint64
	if r := res.Report; len(r.ContainersDeleted) > 0 {
		var b strings.Builder
		b.WriteString("Deleted Containers:\n")
		for _, id := range r.ContainersDeleted {
			b.WriteString(id + "\n")
		}
		fmt.Fprintln(a.Stdout, b.String())
		reclaimed = r.SpaceReclaimed
	}
	fmt.Fprintln(a.Stdout, "Total reclaimed space:", units.HumanSize(float64(reclaimed)))
	return nil
}
