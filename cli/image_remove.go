package cli

import (
	"errors"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// rmiCmd is `skiff rmi` and `skiff image rm`.
type rmiCmd struct {
	Force    bool     `short:"f" help:"Force removal of the image."`
	NoPrune  bool     `help:"Do not delete untagged parents."`
	Platform []string `placeholder:"PLATFORM" help:"Remove only the given platform variant: os[/arch[/variant]]."`
	Images   []string `arg:"" name:"image" help:"Images to remove."`
}

// Run removes each image, printing what was untagged and deleted. With -f,
// images that do not exist are reported on stderr without failing.
func (c *rmiCmd) Run(a *app) error {
	opts := client.ImageRemoveOptions{Force: c.Force, PruneChildren: !c.NoPrune}
	for _, s := range c.Platform {
		p, err := parsePlatform(s)
		if err != nil {
			return err
		}
		opts.Platforms = append(opts.Platforms, p)
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	var errs []error
	fatal := false
	for _, img := range c.Images {
		res, err := cl.ImageRemove(a.ctx, img, opts)
		if err != nil {
			if !cerrdefs.IsNotFound(err) {
				fatal = true
			}
			errs = append(errs, err)
			continue
		}
		for _, d := range res.Items {
			if d.Deleted != "" {
				fmt.Fprintln(a.Stdout, "Deleted:", d.Deleted)
			} else {
				fmt.Fprintln(a.Stdout, "Untagged:", d.Untagged)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		if !c.Force || fatal {
			return err
		}
		fmt.Fprintln(a.Stderr, err)
	}
	return nil
}
