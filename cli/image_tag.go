package cli

import "github.com/moby/moby/client"

// tagCmd is `skiff tag` and `skiff image tag`.
type tagCmd struct {
	Source string `arg:"" name:"source_image[:tag]" help:"Image to tag."`
	Target string `arg:"" name:"target_image[:tag]" help:"New name for it."`
}

// Run adds the target name to the source image.
func (c *tagCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	_, err = cl.ImageTag(a.ctx, client.ImageTagOptions{Source: c.Source, Target: c.Target})
	return err
}
