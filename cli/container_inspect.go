package cli

import (
	"github.com/moby/moby/client"
)

// containerInspectCmd is `skiff container inspect`.
type containerInspectCmd struct {
	Format     string   `short:"f" placeholder:"TEMPLATE" help:"Format output using a custom template: 'json' or a Go template."`
	Size       bool     `short:"s" help:"Display total file sizes."`
	Containers []string `arg:"" name:"container" help:"Containers to inspect."`
}

// Run prints the containers' details.
func (c *containerInspectCmd) Run(a *app) error {
	get, err := a.inspectContainer(c.Size)
	if err != nil {
		return err
	}
	return inspectObjects(a.Stdout, c.Containers, c.Format, get)
}

// inspectContainer returns the inspectFunc of containers.
func (a *app) inspectContainer(size bool) (inspectFunc, error) {
	cl, err := a.apiClient()
	if err != nil {
		return nil, err
	}
	return func(ref string) (any, []byte, error) {
		res, err := cl.ContainerInspect(a.ctx, ref, client.ContainerInspectOptions{Size: size})
		if err != nil {
			return nil, nil, err
		}
		return res.Container, res.Raw, nil
	}, nil
}
