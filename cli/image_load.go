package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/moby/moby/client"
)

// loadCmd is `skiff load` and `skiff image load`.
type loadCmd struct {
	Input    string `short:"i" placeholder:"FILE" help:"Read from tar archive file, instead of STDIN."`
	Quiet    bool   `short:"q" help:"Suppress the load output."`
	Platform string `placeholder:"PLATFORM" help:"Load only the given platform variant: os[/arch[/variant]]."`
}

// Run sends the archive to the daemon and renders its answer, which names
// the loaded images ("Loaded image: busybox:latest").
func (c *loadCmd) Run(a *app) error {
	var in io.Reader = a.Stdin
	if c.Input == "" {
		if isTerminal(a.Stdin) {
			return errors.New("requested load from stdin, but stdin is empty")
		}
	} else {
		f, err := os.Open(c.Input)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	var opts []client.ImageLoadOption
	// Like docker: without a terminal to draw progress on, ask for none.
	if c.Quiet || !isTerminal(a.Stdout) {
		opts = append(opts, client.ImageLoadWithQuiet(true))
	}
	if c.Platform != "" {
		p, err := parsePlatform(c.Platform)
		if err != nil {
			return fmt.Errorf("invalid platform: %w", err)
		}
		opts = append(opts, client.ImageLoadWithPlatforms(p))
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	body, err := cl.ImageLoad(a.ctx, in, opts...)
	if err != nil {
		return err
	}
	defer body.Close()
	return displayStream(body, a.Stdout)
}
