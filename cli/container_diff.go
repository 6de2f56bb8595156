package cli

import (
	"fmt"

	"github.com/moby/moby/client"
)

// diffCmd is `skiff diff` and `skiff container diff`.
type diffCmd struct {
	Container string `arg:"" name:"container" help:"The container."`
}

// Run prints the changes to the container's filesystem, "C /etc",
// "A /x", "D /y", one a line.
func (c *diffCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.ContainerDiff(a.ctx, c.Container, client.ContainerDiffOptions{})
	if err != nil {
		return err
	}
	for _, ch := range res.Changes {
		fmt.Fprintf(a.Stdout, "%s %s\n", ch.Kind, ch.Path)
	}
	return nil
}
