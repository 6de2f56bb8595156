package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/api/detachkeys"
)

// execCmd is `skiff exec` and `skiff container exec`.
type execCmd struct {
	Detach      bool     `short:"d" help:"Detached mode: run command in the background."`
	DetachKeys  string   `placeholder:"KEYS" help:"Override the key sequence for detaching a container."`
	Env         []string `short:"e" sep:"none" placeholder:"KEY=VALUE" help:"Set environment variables."`
	EnvFile     []string `sep:"none" placeholder:"FILE" help:"Read in a file of environment variables."`
	Interactive bool     `short:"i" help:"Keep STDIN open even if not attached."`
	Privileged  bool     `help:"Give extended privileges to the command."`
	Tty         bool     `short:"t" help:"Allocate a pseudo-TTY."`
	User        string   `short:"u" placeholder:"USER" help:"Username or UID (format: \"<name|uid>[:<group|gid>]\")."`
	Workdir     string   `short:"w" placeholder:"DIR" help:"Working directory inside the container."`
	Container   string   `arg:"" passthrough:"" name:"container" help:"Container to run the command in."`
	Command     []string `arg:"" name:"command" passthrough:"" help:"Command and arguments."`
}

// Run creates the exec, then starts it detached (-d) or attached, and
// ends with the command's exit code from exec inspect, as docker does.
func (c *execCmd) Run(a *app) error {
	env, err := (&containerOptions{Env: c.Env, EnvFile: c.EnvFile}).environment(os.LookupEnv)
	if err != nil {
		return err
	}
	if c.Tty && c.Interactive && !c.Detach && !isTerminal(a.Stdin) {
		return errors.New("the input device is not a TTY")
	}
	detachKeys := a.detachKeys(c.DetachKeys)
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	opts := client.ExecCreateOptions{
		User: c.User, Privileged: c.Privileged, TTY: c.Tty,
		AttachStdin: c.Interactive && !c.Detach, AttachStdout: !c.Detach, AttachStderr: !c.Detach,
		DetachKeys: detachKeys, Env: env, WorkingDir: c.Workdir, Cmd: c.Command,
	}
	if h, w, ok := a.ttySize(); ok && c.Tty {
		opts.ConsoleSize = client.ConsoleSize{Height: h, Width: w}
	}
	created, err := cl.ExecCreate(a.ctx, c.Container, opts)
	if err != nil {
		return err
	}
	id := created.ID
	if c.Detach {
		_, err := cl.ExecStart(a.ctx, id, client.ExecStartOptions{Detach: true, TTY: c.Tty, ConsoleSize: opts.ConsoleSize})
		return err
	}
	res, err := cl.ExecAttach(context.WithoutCancel(a.ctx), id, client.ExecAttachOptions{TTY: c.Tty, ConsoleSize: opts.ConsoleSize})
	if err != nil {
		return err
	}
	resp := res.HijackedResponse
	defer resp.Close()
	o := streamIO{tty: c.Tty, stdout: a.Stdout, stderr: a.Stderr, detachKeys: detachKeys}
	if c.Interactive && a.Stdin != nil {
		o.stdin = a.Stdin
		if c.Tty {
			restore := a.rawInput()
			defer restore()
		}
	}
	if c.Tty {
		stop := a.monitorTTYSize(func(ctx context.Context, h, w uint) error {
			_, err := cl.ExecResize(ctx, id, client.ExecResizeOptions{Height: h, Width: w})
			return err
		})
		defer stop()
	}
	if err := <-pumpStreams(resp, o); err != nil {
		if errors.Is(err, detachkeys.ErrDetached) {
			return nil
		}
		if !errors.Is(err, io.ErrClosedPipe) {
			return err
		}
	}
	ins, err := cl.ExecInspect(context.WithoutCancel(a.ctx), id, client.ExecInspectOptions{})
	if err != nil {
		return err
	}
	if ins.Running {
		return fmt.Errorf("exec %s is still running", strings.TrimSpace(id))
	}
	return exitStatus(ins.ExitCode)
}
