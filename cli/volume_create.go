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

// Run creates the volume and prints its name. As docker's, --opt takes a
// bare key as an empty value and --label is checked as opts.ValidateLabel.
func (c *volumeCreateCmd) Run(a *app) error {
	name := c.Volume
	if c.Name != "" {
		if name != "" {
			return statusError{Code: 1, Msg: "conflicting options: cannot specify a volume-name through both --name and as a positional arg"}
		}
		name = c.Name
	}
	for _, l := range c.Label {
		if err := checkLabel(l); err != nil {
			return flagUsageError(&flagValueError{"--label", l, err}, "volume create")
		}
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.VolumeCreate(a.ctx, client.VolumeCreateOptions{Name: name, Driver: c.Driver, DriverOpts: kvMap(c.Opt), Labels: kvMap(c.Label)})
	if err != nil {
		return err
	}
	fmt.Fprintln(a.Stdout, res.Volume.Name)
	return nil
}

// checkLabel is docker's opts.ValidateLabel: a label needs a key without
// white space (leading blanks are dropped).
func checkLabel(l string) error {
	key, _, _ := strings.Cut(l, "=")
	key = strings.TrimLeft(key, " \t")
	switch {
	case key == "":
		return fmt.Errorf("invalid label '%s': empty name", l)
	case strings.ContainsAny(key, " \t"):
		return fmt.Errorf("label '%s' contains whitespaces", key)
	}
	return nil
}
