package cli

import (
	"bytes"

	"github.com/moby/moby/client"
)

// imageInspectCmd is `skiff image inspect`.
type imageInspectCmd struct {
	Format   string   `short:"f" placeholder:"TEMPLATE" help:"Format output using a custom template: 'json' or a Go template."`
	Platform string   `placeholder:"PLATFORM" help:"Inspect a specific platform of a multi-platform image: os[/arch[/variant]]."`
	Images   []string `arg:"" name:"image" help:"Images to inspect."`
}

// Run prints the images' details.
func (c *imageInspectCmd) Run(a *app) error {
	get, err := a.inspectImage(c.Platform)
	if err != nil {
		return err
	}
	return inspectObjects(a.Stdout, c.Images, c.Format, get)
}

// inspectImage returns the inspectFunc of images, for one platform when
// platform is not empty.
func (a *app) inspectImage(platform string) (inspectFunc, error) {
	var opts []client.ImageInspectOption
	if platform != "" {
		p, err := parsePlatform(platform)
		if err != nil {
			return nil, err
		}
		opts = append(opts, client.ImageInspectWithPlatform(&p))
	}
	cl, err := a.apiClient()
	if err != nil {
		return nil, err
	}
	return func(ref string) (any, []byte, error) {
		var raw bytes.Buffer
		res, err := cl.ImageInspect(a.ctx, ref, append(opts, client.ImageInspectWithRawResponse(&raw))...)
		if err != nil {
			return nil, nil, err
		}
		return res.InspectResponse, raw.Bytes(), nil
	}, nil
}
