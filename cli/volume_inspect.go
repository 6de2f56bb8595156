package cli

import "github.com/moby/moby/client"

// volumeInspectCmd is `skiff volume inspect`.
type volumeInspectCmd struct {
	Format  string   `short:"f" placeholder:"TEMPLATE" help:"Format output using a custom template: 'json' or a Go template."`
	Volumes []string `arg:"" name:"volume" help:"Volumes to inspect."`
}

// Run prints the volumes' details.
func (c *volumeInspectCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	return inspectObjects(a.Stdout, c.Volumes, c.Format, func(name string) (any, []byte, error) {
		res, err := cl.VolumeInspect(a.ctx, name, client.VolumeInspectOptions{})
		if err != nil {
			return nil, nil, err
		}
		return res.Volume, res.Raw, nil
	})
}
