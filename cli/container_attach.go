package cli

import (
	"context"
	"errors"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/api/detachkeys"
)

// attachCmd is `skiff attach` and `skiff container attach`.
type attachCmd struct {
	NoStdin    bool   `help:"Do not attach STDIN."`
	SigProxy   bool   `default:"true" negatable:"" help:"Proxy all received signals to the process (default true)."`
	DetachKeys string `placeholder:"KEYS" help:"Override the key sequence for detaching a container."`
	Container  string `arg:"" name:"container" help:"Container to attach to."`
}

// Run attaches the CLI's streams to a running container and, when its
// output ends, exits with the container's status; a detach exits 0.
func (c *attachCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.ContainerInspect(a.ctx, c.Container, client.ContainerInspectOptions{})
	if err != nil {
		return err
	}
	ctr := res.Container
	switch {
	case ctr.State == nil || !ctr.State.Running:
		return errors.New("You cannot attach to a stopped container, start it first")
	case ctr.State.Paused:
		return errors.New("You cannot attach to a paused container, unpause it first")
	case ctr.State.Restarting:
		return errors.New("You cannot attach to a restarting container, wait until it is running")
	}
	cfg := &container.Config{AttachStdout: true, AttachStderr: true}
	if ctr.Config != nil {
		cfg.Tty = ctr.Config.Tty
		cfg.AttachStdin = !c.NoStdin && ctr.Config.OpenStdin
	}
	if cfg.AttachStdin && cfg.Tty && !isTerminal(a.Stdin) {
		return errors.New("the input device is not a TTY")
	}
	detachKeys := a.detachKeys(c.DetachKeys)
	if c.SigProxy && !cfg.Tty {
		stop := a.forwardSignals(cl, ctr.ID)
		defer stop()
	}
	// The wait is in place before the attach, so the exit is not missed.
	waitCtx, cancelWait := context.WithCancel(context.WithoutCancel(a.ctx))
	defer cancelWait()
	status := a.waitExit(waitCtx, cl, ctr.ID, false)
	done, closeAttach, err := a.attachStreams(cl, ctr.ID, cfg, detachKeys)
	if err != nil {
		return err
	}
	defer closeAttach()
	if cfg.Tty {
		stop := a.monitorTTYSize(func(ctx context.Context, h, w uint) error {
			_, err := cl.ContainerResize(ctx, ctr.ID, client.ContainerResizeOptions{Height: h, Width: w})
			return err
		})
		defer stop()
	}
	if err := <-done; err != nil {
		if errors.Is(err, detachkeys.ErrDetached) {
			// What the docker CLI's attach says (and its exit 1).
			return errors.New("read escape sequence")
		}
		return err
	}
	return exitStatus(<-status)
}
