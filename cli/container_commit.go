package cli

import (
	"fmt"

	"github.com/distribution/reference"
	"github.com/moby/moby/client"
)

// commitCmd is `skiff commit` and `skiff container commit`.
type commitCmd struct {
	Author    string   `short:"a" placeholder:"AUTHOR" help:"Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")."`
	Change    []string `sep:"none" placeholder:"INSTRUCTION" help:"Apply Dockerfile instruction to the created image (-c)."`
	Message   string   `short:"m" placeholder:"MESSAGE" help:"Commit message."`
	Pause     bool     `short:"p" default:"true" negatable:"" help:"Pause container during commit (default true)."`
	Container string   `arg:"" name:"container" help:"The container."`
	Ref       string   `arg:"" optional:"" name:"repository[:tag]" help:"The image to create."`
}

// Run makes an image of the container and prints its ID.
func (c *commitCmd) Run(a *app) error {
	if c.Ref != "" {
		if _, err := reference.ParseNormalizedNamed(c.Ref); err != nil {
			return err
		}
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.ContainerCommit(a.ctx, c.Container, client.ContainerCommitOptions{
		Reference: c.Ref, Comment: c.Message, Author: c.Author, Changes: c.Change, NoPause: !c.Pause,
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(a.Stdout, res.ID)
	return nil
}
