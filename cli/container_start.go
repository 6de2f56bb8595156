package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/api/detachkeys"
)

// startCmd is `skiff start` and `skiff container start`.
type startCmd struct {
	Attach      bool     `short:"a" help:"Attach STDOUT/STDERR and forward signals."`
	Interactive bool     `short:"i" help:"Attach container's STDIN."`
	DetachKeys  string   `placeholder:"KEYS" help:"Override the key sequence for detaching a container."`
	Containers  []string `arg:"" name:"container" help:"Containers to start."`
}

// Run starts the containers; with -a or -i it attaches to the one
// container first and ends with its exit status, as `run` does.
func (c *startCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	if !c.Attach && !c.Interactive {
		var failed []string
		for _, n := range c.Containers {
			if _, err := cl.ContainerStart(a.ctx, n, client.ContainerStartOptions{}); err != nil {
				fmt.Fprintln(a.Stderr, a.describe(err))
				failed = append(failed, n)
				continue
			}
			fmt.Fprintln(a.Stdout, n)
		}
		if len(failed) > 0 {
			return fmt.Errorf("Error: failed to start containers: %s", strings.Join(failed, ", "))
		}
		return nil
	}
	if len(c.Containers) > 1 {
		return errors.New("you cannot start and attach multiple containers at once")
	}
	res, err := cl.ContainerInspect(a.ctx, c.Containers[0], client.ContainerInspectOptions{})
	if err != nil {
		return err
	}
	ctr := res.Container
	cfg := &container.Config{AttachStdout: true, AttachStderr: true}
	if ctr.Config != nil {
		cfg.Tty = ctr.Config.Tty
		cfg.AttachStdin = c.Interactive && ctr.Config.OpenStdin
	}
	if !cfg.Tty {
		stop := a.forwardSignals(cl, ctr.ID)
		defer stop()
	}
	detachKeys := c.DetachKeys
	if detachKeys == "" {
		if cf, err := a.configFile(); err == nil {
			detachKeys = cf.str("detachKeys")
		}
	}
	done, closeAttach, err := a.attachStreams(cl, ctr.ID, cfg, detachKeys)
	if err != nil {
		return err
	}
	defer closeAttach()
	autoRemove := ctr.HostConfig != nil && ctr.HostConfig.AutoRemove
	waitCtx, cancelWait := context.WithCancel(context.WithoutCancel(a.ctx))
	defer cancelWait()
	status := a.waitExit(waitCtx, cl, ctr.ID, autoRemove)
	if _, err := cl.ContainerStart(a.ctx, ctr.ID, client.ContainerStartOptions{}); err != nil {
		closeAttach()
		<-done
		if autoRemove {
			<-status
		}
		return err
	}
	if err := <-done; err != nil {
		if errors.Is(err, detachkeys.ErrDetached) {
			return nil // the container goes on
		}
		return err
	}
	return exitStatus(<-status)
}
