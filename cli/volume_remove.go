package cli

import (
	"errors"
	"fmt"

	"github.com/moby/moby/client"
)

// volumeRemoveCmd is `skiff volume rm`.
type volumeRemoveCmd struct {
	Force   bool     `short:"f" help:"Force the removal of one or more volumes."`
	Volumes []string `arg:"" name:"volume" help:"Volumes to remove."`
}

// Run removes each volume, printing its name; failures are reported
// together and make the exit status 1, as docker does.
func (c *volumeRemoveCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range c.Volumes {
		if _, err := cl.VolumeRemove(a.ctx, name, client.VolumeRemoveOptions{Force: c.Force}); err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintln(a.Stdout, name)
	}
	return errors.Join(errs...)
}
