package cli

import (
	"io"

	"github.com/moby/moby/client"
)

// exportCmd is `skiff export` and `skiff container export`.
type exportCmd struct {
	Output    string `short:"o" placeholder:"FILE" help:"Write to a file, instead of STDOUT."`
	Container string `arg:"" name:"container" help:"The container."`
}

// Run streams the container's filesystem as a tar archive to stdout or,
// atomically, to -o.
func (c *exportCmd) Run(a *app) error {
	if err := checkTarOutput(a, c.Output, "failed to export container"); err != nil {
		return err
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	body, err := cl.ContainerExport(a.ctx, c.Container, client.ContainerExportOptions{})
	if err != nil {
		return err
	}
	defer body.Close()
	if c.Output == "" {
		_, err = io.Copy(a.Stdout, body)
		return err
	}
	return writeFileAtomic(c.Output, body, 0o600)
}
