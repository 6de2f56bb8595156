package cli

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// parallelLimit bounds the API calls a multi-container command makes at
// once, as docker's parallelOperation does.
const parallelLimit = 50

// eachContainer runs op for every name, several at once, and returns the
// errors in the order of names (nil for a success).
func eachContainer(names []string, op func(name string) error) []error {
	errs := make([]error, len(names))
	sem := make(chan struct{}, parallelLimit)
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = op(n)
		}()
	}
	wg.Wait()
	return errs
}

// reportEach prints each name that succeeded on stdout and joins the
// errors of the others into the command's error (printed one a line,
// exit status 1), as docker's stop, kill, rm ... do.
func (a *app) reportEach(names []string, errs []error) error {
	var failed []error
	for i, n := range names {
		if errs[i] != nil {
			failed = append(failed, errors.New(a.describe(errs[i])))
			continue
		}
		fmt.Fprintln(a.Stdout, n)
	}
	return errors.Join(failed...)
}

// stopCmd is `skiff stop` and `skiff container stop`.
type stopCmd struct {
	Signal     string   `short:"s" placeholder:"SIGNAL" help:"Signal to send to the container."`
	Time       *int     `short:"t" name:"timeout" aliases:"time" placeholder:"SECONDS" help:"Seconds to wait before killing the container."`
	Containers []string `arg:"" name:"container" help:"Containers to stop."`
}

// Run stops each container.
func (c *stopCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	return a.reportEach(c.Containers, eachContainer(c.Containers, func(n string) error {
		_, err := cl.ContainerStop(a.ctx, n, client.ContainerStopOptions{Signal: c.Signal, Timeout: c.Time})
		return err
	}))
}

// restartCmd is `skiff restart` and `skiff container restart`.
type restartCmd struct {
	Signal     string   `short:"s" placeholder:"SIGNAL" help:"Signal to send to the container."`
	Time       *int     `short:"t" name:"timeout" aliases:"time" placeholder:"SECONDS" help:"Seconds to wait before killing the container."`
	Containers []string `arg:"" name:"container" help:"Containers to restart."`
}

// Run restarts each container.
func (c *restartCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	return a.reportEach(c.Containers, eachContainer(c.Containers, func(n string) error {
		_, err := cl.ContainerRestart(a.ctx, n, client.ContainerRestartOptions{Signal: c.Signal, Timeout: c.Time})
		return err
	}))
}

// killCmd is `skiff kill` and `skiff container kill`.
type killCmd struct {
	Signal     string   `short:"s" placeholder:"SIGNAL" help:"Signal to send to the container."`
	Containers []string `arg:"" name:"container" help:"Containers to kill."`
}

// Run sends the signal (SIGKILL by default, the daemon's choice) to each
// container.
func (c *killCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	return a.reportEach(c.Containers, eachContainer(c.Containers, func(n string) error {
		_, err := cl.ContainerKill(a.ctx, n, client.ContainerKillOptions{Signal: c.Signal})
		return err
	}))
}

// pauseCmd is `skiff pause` and `skiff container pause`.
type pauseCmd struct {
	Containers []string `arg:"" name:"container" help:"Containers to pause."`
}

// Run pauses each container.
func (c *pauseCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	return a.reportEach(c.Containers, eachContainer(c.Containers, func(n string) error {
		_, err := cl.ContainerPause(a.ctx, n, client.ContainerPauseOptions{})
		return err
	}))
}

// unpauseCmd is `skiff unpause` and `skiff container unpause`.
type unpauseCmd struct {
	Containers []string `arg:"" name:"container" help:"Containers to unpause."`
}

// Run unpauses each container.
func (c *unpauseCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	return a.reportEach(c.Containers, eachContainer(c.Containers, func(n string) error {
		_, err := cl.ContainerUnpause(a.ctx, n, client.ContainerUnpauseOptions{})
		return err
	}))
}

// rmCmd is `skiff rm` and `skiff container rm`.
type rmCmd struct {
	Force      bool     `short:"f" help:"Force the removal of a running container (uses SIGKILL)."`
	Link       bool     `help:"Remove the specified link (-l)."`
	Volumes    bool     `help:"Remove anonymous volumes associated with the container (-v)."`
	Containers []string `arg:"" name:"container" help:"Containers to remove."`
}

// Run removes each container; with -f a missing one is reported on
// stderr without failing, as docker does.
func (c *rmCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	errs := eachContainer(c.Containers, func(n string) error {
		n = strings.Trim(n, "/")
		if n == "" {
			return errors.New("container name cannot be empty")
		}
		_, err := cl.ContainerRemove(a.ctx, n, client.ContainerRemoveOptions{
			RemoveVolumes: c.Volumes, RemoveLinks: c.Link, Force: c.Force,
		})
		return err
	})
	var failed []error
	for i, n := range c.Containers {
		switch err := errs[i]; {
		case err == nil:
			fmt.Fprintln(a.Stdout, n)
		case c.Force && cerrdefs.IsNotFound(err):
			fmt.Fprintln(a.Stderr, a.describe(err))
		default:
			failed = append(failed, errors.New(a.describe(err)))
		}
	}
	return errors.Join(failed...)
}

// waitCmd is `skiff wait` and `skiff container wait`.
type waitCmd struct {
	Containers []string `arg:"" name:"container" help:"Containers to wait for."`
}

// Run prints each container's exit status, one a line, once it stops.
func (c *waitCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	var failed []error
	for _, n := range c.Containers {
		res := cl.ContainerWait(a.ctx, n, client.ContainerWaitOptions{})
		select {
		case r := <-res.Result:
			if r.Error != nil {
				failed = append(failed, errors.New(r.Error.Message))
				continue
			}
			fmt.Fprintln(a.Stdout, r.StatusCode)
		case err := <-res.Error:
			failed = append(failed, errors.New(a.describe(err)))
		}
	}
	return errors.Join(failed...)
}

// renameCmd is `skiff rename` and `skiff container rename`.
type renameCmd struct {
	Container string `arg:"" name:"container" help:"The container to rename."`
	NewName   string `arg:"" name:"new-name" help:"Its new name."`
}

// Run renames the container.
func (c *renameCmd) Run(a *app) error {
	oldName, newName := strings.TrimSpace(c.Container), strings.TrimSpace(c.NewName)
	if oldName == "" || newName == "" {
		return errors.New("Error: Neither old nor new names may be empty")
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	if _, err := cl.ContainerRename(a.ctx, oldName, client.ContainerRenameOptions{NewName: newName}); err != nil {
		return fmt.Errorf("%s\nError: failed to rename container named %s", a.describe(err), oldName)
	}
	return nil
}
