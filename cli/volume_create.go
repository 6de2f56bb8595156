package cli

import (
	"fmt"
	"strings"

	"github.com/moby/moby/client"
)

// volumeCreateCmd is `skiff volume create`.
type volumeCreateCmd struct {
	Driver string   `short:"d" default:"local" help:"Specify volume driver name."`
	Label  []string `sep:"none" placeholder:"LABEL" help:"Set metadata for a volume (key=value)."`
	Opt    []string `short:"o" sep:"none" placeholder:"OPT" help:"Set driver specific options (key=value)."`
	Name   string   `hidden:"" help:"Specify volume name."`
	Volume string   `arg:"" optional:"" name:"volume" help:"Volume name (a random one when omitted)."`
}

// Run creates the volume and prints its name.
func (c *volumeCreateCmd) Run(a *app) error {
	name := c.Volume
	if c.Name != "" {
		if name != "" && name != c.Name {
			return statusError{Code: 1, Msg: "conflicting options: cannot specify a volume-name through both --name and as a positional arg"}
		}
		name = c.Name
	}
	opts, err := keyValues("--opt", c.Opt, true)
	if err != nil {
		return err
	}
	labels, err := keyValues("--label", c.Label, false)
	if err != nil {
		return err
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.VolumeCreate(a.ctx, client.VolumeCreateOptions{Name: name, Driver: c.Driver, DriverOpts: opts, Labels: labels})
	if err != nil {
		return err
	}
	fmt.Fprintln(a.Stdout, res.Volume.Name)
	return nil
}

// keyValues turns key=value flags into a map; a bare key is an error when
// needValue (docker's --opt), else maps to "" (docker's --label).
func keyValues(flag string, vals []string, needValue bool) (map[string]string, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(vals))
	for _, kv := range vals {
		k, v, ok := strings.Cut(kv, "=")
		if !ok && needValue {
			return nil, statusError{Code: 125, Msg: fmt.Sprintf("invalid argument %q for %q flag: invalid key value pair format: %s", kv, flag, kv)}
		}
		m[k] = v
	}
	return m, nil
}
