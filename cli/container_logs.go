package cli

import (
	"io"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// logsCmd is `skiff logs` and `skiff container logs`.
type logsCmd struct {
	Details    bool   `help:"Show extra details provided to logs."`
	Follow     bool   `short:"f" help:"Follow log output."`
	Since      string `placeholder:"TIME" help:"Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)."`
	Tail       string `short:"n" default:"all" placeholder:"N" help:"Number of lines to show from the end of the logs."`
	Timestamps bool   `short:"t" help:"Show timestamps."`
	Until      string `placeholder:"TIME" help:"Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)."`
	Container  string `arg:"" name:"container" help:"The container."`
}

// Run prints the container's logs: stdout to stdout and stderr to stderr,
// demultiplexed, or as one stream when the container has a TTY (the
// daemon then sends it raw), which is why the container is inspected
// first, as docker does.
func (c *logsCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.ContainerInspect(a.ctx, c.Container, client.ContainerInspectOptions{})
	if err != nil {
		return err
	}
	body, err := cl.ContainerLogs(a.ctx, res.Container.ID, client.ContainerLogsOptions{
		ShowStdout: true, ShowStderr: true, Since: c.Since, Until: c.Until,
		Timestamps: c.Timestamps, Follow: c.Follow, Tail: c.Tail, Details: c.Details,
	})
	if err != nil {
		return err
	}
	defer body.Close()
	if res.Container.Config != nil && res.Container.Config.Tty {
		_, err = io.Copy(a.Stdout, body)
	} else {
		_, err = stdcopy.StdCopy(a.Stdout, a.Stderr, body)
	}
	return err
}
