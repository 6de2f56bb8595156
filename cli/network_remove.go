package cli

import (
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// networkRemoveCmd is `skiff network rm`.
type networkRemoveCmd struct {
	Force    bool     `short:"f" help:"Do not error if the network does not exist."`
	Networks []string `arg:"" name:"network" help:"Networks to remove."`
}

// Run removes each network, printing its name as given; failures go to
// stderr and make the exit status 1, as docker does.
func (c *networkRemoveCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	failed := false
	for _, name := range c.Networks {
		if _, err := cl.NetworkRemove(a.ctx, name, client.NetworkRemoveOptions{}); err != nil {
			if c.Force && cerrdefs.IsNotFound(err) {
				continue
			}
			fmt.Fprintln(a.Stderr, a.describe(err))
			failed = true
			continue
		}
		fmt.Fprintln(a.Stdout, name)
	}
	if failed {
		return statusError{Code: 1, Msg: "exit status 1"} // docker prints it too
	}
	return nil
}
