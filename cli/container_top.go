package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/moby/moby/client"
)

// topCmd is `skiff top` and `skiff container top`.
type topCmd struct {
	Container string   `arg:"" name:"container" help:"The container."`
	PsArgs    []string `arg:"" optional:"" passthrough:"" name:"ps-options" help:"Options for ps."`
}

// Run prints the container's processes as a table, the columns ps chose.
func (c *topCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.ContainerTop(a.ctx, c.Container, client.ContainerTopOptions{Arguments: c.PsArgs})
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(a.Stdout, 20, 1, 3, ' ', 0)
	fmt.Fprintln(w, strings.Join(res.Titles, "\t"))
	for _, p := range res.Processes {
		fmt.Fprintln(w, strings.Join(p, "\t"))
	}
	return w.Flush()
}
