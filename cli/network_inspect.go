package cli

import "github.com/moby/moby/client"

// networkInspectCmd is `skiff network inspect`.
type networkInspectCmd struct {
	Format   string   `short:"f" placeholder:"TEMPLATE" help:"Format output using a custom template: 'json' or a Go template."`
	Verbose  bool     `help:"Verbose output for diagnostics."`
	Networks []string `arg:"" name:"network" help:"Networks to inspect."`
}

// -v is the global --version in kong's tree; after `network inspect` it
// means --verbose, as in docker.
func init() { commandShorts["network inspect"] = map[string]string{"v": "verbose"} }

// Run prints the networks' details.
func (c *networkInspectCmd) Run(a *app) error {
	get, err := a.inspectNetwork(c.Verbose)
	if err != nil {
		return err
	}
	return inspectObjects(a.Stdout, c.Networks, c.Format, get)
}

// inspectNetwork returns the inspectFunc of networks.
func (a *app) inspectNetwork(verbose bool) (inspectFunc, error) {
	cl, err := a.apiClient()
	if err != nil {
		return nil, err
	}
	return func(ref string) (any, []byte, error) {
		res, err := cl.NetworkInspect(a.ctx, ref, client.NetworkInspectOptions{Verbose: verbose})
		if err != nil {
			return nil, nil, err
		}
		return res.Network, res.Raw, nil
	}, nil
}
