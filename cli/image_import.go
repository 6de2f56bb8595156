package cli

import (
	"os"
	"strings"

	"github.com/moby/moby/client"
)

// importCmd is `skiff import` and `skiff image import`.
type importCmd struct {
	Change   []string `sep:"none" placeholder:"INSTRUCTION" help:"Apply Dockerfile instruction to the created image (-c)."`
	Message  string   `short:"m" help:"Set commit message for imported image."`
	Platform string   `placeholder:"PLATFORM" help:"Set platform if server is multi-platform capable (default $DOCKER_DEFAULT_PLATFORM)."`
	Source   string   `arg:"" name:"file|url|-" help:"Tarball to import: a file, an http(s) URL the daemon fetches, or - for STDIN."`
	Ref      string   `arg:"" optional:"" name:"repository[:tag]" help:"Name for the new image."`
}

// Run creates an image from the tarball's contents.
func (c *importCmd) Run(a *app) error {
	var src client.ImageImportSource
	switch {
	case c.Source == "-":
		src = client.ImageImportSource{Source: a.Stdin, SourceName: "-"}
	case strings.HasPrefix(c.Source, "https://"), strings.HasPrefix(c.Source, "http://"):
		src = client.ImageImportSource{SourceName: c.Source}
	default:
		f, err := os.Open(c.Source)
		if err != nil {
			return err
		}
		defer f.Close()
		src = client.ImageImportSource{Source: f, SourceName: "-"}
	}
	opts := client.ImageImportOptions{Message: c.Message, Changes: c.Change}
	if c.Platform == "" {
		c.Platform = a.getenv("DOCKER_DEFAULT_PLATFORM")
	}
	if c.Platform != "" {
		p, err := parsePlatform(c.Platform)
		if err != nil {
			return err
		}
		opts.Platform = p
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	body, err := cl.ImageImport(a.ctx, src, c.Ref, opts)
	if err != nil {
		return err
	}
	defer body.Close()
	return displayStream(body, a.Stdout)
}
