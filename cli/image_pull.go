package cli

import (
	"fmt"
	"io"

	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// pullCmd is `skiff pull` and `skiff image pull`.
type pullCmd struct {
	AllTags  bool   `short:"a" help:"Download all tagged images in the repository."`
	Quiet    bool   `short:"q" help:"Suppress verbose output."`
	Platform string `placeholder:"PLATFORM" help:"Set platform if server is multi-platform capable (default $DOCKER_DEFAULT_PLATFORM)."`
	Name     string `arg:"" name:"name" help:"NAME[:TAG|@DIGEST]."`
}

// Run pulls the image, drawing the daemon's progress, then prints the
// full reference as docker does.
func (c *pullCmd) Run(a *app) error {
	ref, defaulted, err := normalizeRemote(c.Name, c.AllTags)
	if err != nil {
		return err
	}
	if defaulted && !c.Quiet {
		fmt.Fprintln(a.Stdout, "Using default tag: latest")
	}
	opts := client.ImagePullOptions{All: c.AllTags}
	if c.Platform == "" {
		c.Platform = a.getenv("DOCKER_DEFAULT_PLATFORM")
	}
	if c.Platform != "" {
		p, err := parsePlatform(c.Platform)
		if err != nil {
			return err
		}
		opts.Platforms = []ocispec.Platform{p}
	}
	// Like docker, a broken credential store does not stop an anonymous pull.
	opts.RegistryAuth, _ = a.registryAuth(ref)
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	resp, err := cl.ImagePull(a.ctx, ref.String(), opts)
	if err != nil {
		return err
	}
	defer resp.Close()
	out := a.Stdout
	if c.Quiet {
		out = io.Discard
	}
	if err := displayStream(resp, out); err != nil {
		return err
	}
	fmt.Fprintln(a.Stdout, ref.String())
	return nil
}
