package cli

import (
	"strconv"
	"strings"

	"github.com/moby/moby/client"
)

// imagePruneCmd is `skiff image prune`.
type imagePruneCmd struct {
	All    bool     `short:"a" help:"Remove all unused images, not just dangling ones."`
	Force  bool     `short:"f" help:"Do not prompt for confirmation."`
	Filter []string `sep:"none" placeholder:"FILTER" help:"Provide filter values (e.g. \"until=<timestamp>\")."`
}

// docker's confirmations.
const (
	pruneAllImagesWarning = "WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?"
	pruneDanglingWarning  = "WARNING! This will remove all dangling images.\nAre you sure you want to continue?"
)

// Run asks (unless -f), prunes, and lists what went and the space freed.
// Answering no ends quietly with status 0, as docker does.
func (c *imagePruneCmd) Run(a *app) error {
	filters, err := parseFilters("--filter", c.Filter)
	if err != nil {
		return err
	}
	filters.Add("dangling", strconv.FormatBool(!c.All))
	if cfg, err := a.configFile(); err == nil {
		mergePruneFilters(filters, cfg.pruneFilters())
	}
	warning := pruneDanglingWarning
	if c.All {
		warning = pruneAllImagesWarning
	}
	if !c.Force && !confirm(a.ctx, a.Stdin, a.Stdout, warning) {
		return nil
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.ImagePrune(a.ctx, client.ImagePruneOptions{Filters: filters})
	if err != nil {
		return err
	}
	lines := make([]string, 0, len(res.Report.ImagesDeleted))
	for _, d := range res.Report.ImagesDeleted {
		if d.Untagged != "" {
			lines = append(lines, "untagged: "+d.Untagged)
		} else {
			lines = append(lines, "deleted: "+d.Deleted)
		}
	}
	printPruned(a.Stdout, "Deleted Images", lines, res.Report.SpaceReclaimed)
	return nil
}

// mergePruneFilters adds config.json's "pruneFilters" to the user's, as
// docker does; a label filter does not override its opposite.
func mergePruneFilters(f client.Filters, defaults []string) {
	for _, kv := range defaults {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		switch {
		case k == "label" && f["label!"][v], k == "label!" && f["label"][v]:
			continue
		}
		f.Add(k, v)
	}
}
