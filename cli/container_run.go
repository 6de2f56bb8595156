package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/api/detachkeys"
)

// runCmd is `skiff run` and `skiff container run`.
type runCmd struct {
	createOptions `embed:""`

	Detach     bool   `short:"d" help:"Run container in background and print container ID."`
	DetachKeys string `placeholder:"KEYS" help:"Override the key sequence for detaching a container."`
	SigProxy   bool   `default:"true" negatable:"" help:"Proxy received signals to the process (default true)."`
}

// Run creates the container, attaches to it unless -d, starts it and,
// attached, copies its output until it ends and exits with its status,
// in docker's order: the attach and the wait are in place before the
// start, so no output and no exit is missed.
func (c *runCmd) Run(a *app) error {
	cfg, err := c.parse(a, "run")
	if err != nil {
		return err
	}
	config := cfg.Config
	config.ArgsEscaped = false
	if c.Detach {
		if len(c.Attach) != 0 {
			return errors.New("conflicting options: cannot specify both --attach and --detach")
		}
		config.AttachStdin, config.AttachStdout, config.AttachStderr, config.StdinOnce = false, false, false, false
	} else if config.AttachStdin && config.Tty && !isTerminal(a.Stdin) {
		return errors.New("the input device is not a TTY")
	}
	detachKeys := c.DetachKeys
	if detachKeys == "" {
		if cf, err := a.configFile(); err == nil {
			detachKeys = cf.str("detachKeys")
		}
	}
	id, err := a.createContainer(cfg, &c.createOptions)
	if err != nil {
		return a.runStatusError(err)
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	// With a tty, ^C and friends reach the container as keys (raw mode);
	// docker proxies signals only without one.
	if c.SigProxy && !config.Tty {
		stop := a.forwardSignals(cl, id)
		defer stop()
	}
	attach := config.AttachStdin || config.AttachStdout || config.AttachStderr
	var streamDone <-chan error
	closeAttach := func() {}
	if attach {
		done, closeFn, err := a.attachStreams(cl, id, config, detachKeys)
		if err != nil {
			return err
		}
		defer closeFn()
		streamDone, closeAttach = done, closeFn
	} else {
		fmt.Fprintln(a.Stdout, id)
	}
	// The wait is in place before the start so that no exit is missed. A
	// detached run needs it only to see a failed start's --rm through.
	var status <-chan int
	if attach || c.Rm {
		waitCtx, cancelWait := context.WithCancel(context.WithoutCancel(a.ctx))
		defer cancelWait()
		status = a.waitExit(waitCtx, cl, id, c.Rm)
	}
	if _, err := cl.ContainerStart(a.ctx, id, client.ContainerStartOptions{}); err != nil {
		if attach {
			closeAttach()
			<-streamDone
		}
		if c.Rm {
			<-status
		}
		return a.runStatusError(err)
	}
	if !attach {
		return nil
	}
	if config.Tty {
		stop := a.monitorTTYSize(func(ctx context.Context, h, w uint) error {
			_, err := cl.ContainerResize(ctx, id, client.ContainerResizeOptions{Height: h, Width: w})
			return err
		})
		defer stop()
	}
	select {
	case err := <-streamDone:
		if errors.Is(err, detachkeys.ErrDetached) {
			return nil // the container goes on
		}
		if err != nil {
			return err
		}
		return exitStatus(<-status)
	case code := <-status:
		// The output may still be in flight: read it to the end.
		<-streamDone
		return exitStatus(code)
	}
}

// exitStatus ends the CLI with the container's exit status.
func exitStatus(code int) error {
	if code == 0 {
		return nil
	}
	return statusError{Code: code}
}

// attachStreams attaches to the container's streams: its output is copied
// to the CLI's (demultiplexed unless it has a TTY), and with stdin
// attached the CLI's stdin is sent (raw, with a tty on a terminal) and the
// write side closed at its end. done receives the end of the output (or
// detachkeys.ErrDetached); closeAttach drops the connection and restores
// the terminal.
func (a *app) attachStreams(cl *client.Client, id string, config *container.Config, detachKeys string) (done <-chan error, closeAttach func(), err error) {
	res, err := cl.ContainerAttach(context.WithoutCancel(a.ctx), id, client.ContainerAttachOptions{
		Stream: true, Stdin: config.AttachStdin, Stdout: config.AttachStdout, Stderr: config.AttachStderr,
		DetachKeys: detachKeys,
	})
	if err != nil {
		return nil, nil, err
	}
	resp := res.HijackedResponse
	o := streamIO{tty: config.Tty, stdout: io.Discard, stderr: io.Discard, detachKeys: detachKeys}
	if config.AttachStdout {
		o.stdout = a.Stdout
	}
	if config.AttachStderr {
		o.stderr = a.Stderr
	}
	restore := func() {}
	if config.AttachStdin && a.Stdin != nil {
		o.stdin = a.Stdin
		if config.Tty {
			restore = a.rawInput()
		}
	}
	return pumpStreams(resp, o), func() { resp.Close(); restore() }, nil
}

// waitExit waits for the container's next exit (or its removal with
// --rm) and sends its exit status; failures to wait are status 125.
// The wait does not end with the CLI's context (an interrupt is proxied
// to the container, whose exit is still awaited), only with ctx.
func (a *app) waitExit(ctx context.Context, cl *client.Client, id string, removed bool) <-chan int {
	cond := container.WaitConditionNextExit
	if removed {
		cond = container.WaitConditionRemoved
	}
	res := cl.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: cond})
	status := make(chan int, 1)
	go func() {
		select {
		case r := <-res.Result:
			if r.Error != nil {
				fmt.Fprintln(a.Stderr, "Error waiting for container:", r.Error.Message)
				status <- 125
				return
			}
			status <- int(r.StatusCode)
		case err := <-res.Error:
			if ctx.Err() == nil {
				fmt.Fprintln(a.Stderr, "Error waiting for container:", a.describe(err))
			}
			status <- 125
		}
	}()
	return status
}

// proxiedSignals are the signals --sig-proxy passes on to the container.
var proxiedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// forwardSignals sends the signals the CLI receives to the container
// until stop is called.
func (a *app) forwardSignals(cl *client.Client, id string) (stop func()) {
	sigc := make(chan os.Signal, 16)
	signal.Notify(sigc, proxiedSignals...)
	quit := make(chan struct{})
	ctx := context.WithoutCancel(a.ctx)
	go func() {
		for {
			select {
			case <-quit:
				return
			case s := <-sigc:
				sig, ok := s.(syscall.Signal)
				if !ok {
					continue
				}
				if _, err := cl.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: signalName(sig)}); err != nil {
					fmt.Fprintf(a.Stderr, "error sending signal %s: %v\n", signalName(sig), err)
				}
			}
		}
	}()
	return func() {
		signal.Stop(sigc)
		close(quit)
	}
}

// signalName is the name the API takes for sig ("SIGTERM"), or its
// number.
func signalName(sig syscall.Signal) string {
	if n := unix.SignalName(sig); n != "" {
		return n
	}
	return strconv.Itoa(int(sig))
}
