package cli

import (
	"fmt"
	"io"

	"github.com/moby/moby/client"
)

// pushCmd is `skiff push` and `skiff image push`.
type pushCmd struct {
	AllTags  bool   `short:"a" help:"Push all tags of an image to the repository."`
	Quiet    bool   `short:"q" help:"Suppress verbose output."`
	Platform string `placeholder:"PLATFORM" help:"Push a platform-specific manifest as a single-platform image to the registry: os[/arch[/variant]]."`
	Name     string `arg:"" name:"name" help:"NAME[:TAG]."`
}

// Run pushes the image with the registry's stored credentials.
func (c *pushCmd) Run(a *app) error {
	ref, defaulted, err := normalizeRemote(c.Name, c.AllTags)
	if err != nil {
		return err
	}
	opts := client.ImagePushOptions{All: c.AllTags}
	if c.Platform != "" {
		p, err := parsePlatform(c.Platform)
		if err != nil {
			return err
		}
		opts.Platform = &p
	}
	if defaulted && !c.Quiet {
		fmt.Fprintln(a.Stdout, "Using default tag: latest")
	}
	if opts.RegistryAuth, err = a.registryAuth(ref); err != nil {
		return err
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	resp, err := cl.ImagePush(a.ctx, ref.String(), opts)
	if err != nil {
		return err
	}
	defer resp.Close()
	if !c.Quiet {
		return displayStream(resp, a.Stdout)
	}
	if err := displayStream(resp, io.Discard); err != nil {
		return err
	}
	fmt.Fprintln(a.Stdout, ref.String())
	return nil
}
