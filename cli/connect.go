package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/moby/moby/client"
	"github.com/rs/zerolog"
)

// pingTimeout bounds the check for a daemon at the default socket.
const pingTimeout = 5 * time.Second

// resolvedHost resolves the daemon address once per invocation.
func (a *app) resolvedHost() (hostSpec, error) {
	if a.host.URL != "" {
		return a.host, nil
	}
	h, err := resolveHost(a.globals.Host, a.getenv, a.defaultHost)
	if err != nil {
		return hostSpec{}, err
	}
	a.host = h
	return h, nil
}

// newClient builds an API client for h without connecting.
func (a *app) newClient(h hostSpec) (*client.Client, error) {
	opts := []client.Opt{client.WithUserAgent("skiff-cli/" + a.build.Version)}
	if h.scheme() == "ssh" {
		sh, err := parseSSHHost(h.URL)
		if err != nil {
			return nil, err
		}
		// The host only names the HTTP peer; every dial runs ssh.
		opts = append(opts, client.WithHost("http://skiff"), client.WithDialContext(sh.dialer()))
	} else {
		opts = append(opts, client.WithHost(h.URL))
	}
	if v := a.getenv("DOCKER_API_VERSION"); v != "" {
		opts = append(opts, client.WithAPIVersion(v))
	}
	return client.New(opts...)
}

// apiClient returns the client for this invocation, starting a daemon at the
// default socket first when nothing answers there.
func (a *app) apiClient() (*client.Client, error) {
	if a.client != nil {
		return a.client, nil
	}
	h, err := a.resolvedHost()
	if err != nil {
		return nil, err
	}
	c, err := a.newClient(h)
	if err != nil {
		return nil, err
	}
	if h.Default && h.scheme() == "unix" && a.autostart != nil && a.getenv("SKIFF_NO_AUTOSTART") != "1" {
		ping := func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, pingTimeout)
			defer cancel()
			_, err := c.Ping(ctx, client.PingOptions{})
			return err
		}
		if err := ping(a.ctx); err != nil {
			if !client.IsErrConnectionFailed(err) {
				return nil, err
			}
			zerolog.Ctx(a.ctx).Debug().Err(err).Str("socket", h.socketPath()).Msg("no daemon answers; starting one")
			if err := a.autostart(a.ctx, h.socketPath(), ping); err != nil {
				_ = c.Close()
				return nil, err
			}
		}
	}
	a.client = c
	return c, nil
}

// describe turns an error into the line docker would print. Errors from the
// daemon already read "Error response from daemon: ..." (the moby client
// formats them); connection failures name skiff and the address.
func (a *app) describe(err error) string {
	if !client.IsErrConnectionFailed(err) {
		return err.Error()
	}
	if a.host.URL == "" {
		return err.Error()
	}
	return a.cannotConnect(err)
}

// cannotConnect is the message for a daemon that does not answer at a.host.
func (a *app) cannotConnect(err error) string {
	host := a.host.URL
	if errors.Is(err, os.ErrPermission) {
		return fmt.Sprintf("permission denied while trying to connect to the skiff daemon at %s", host)
	}
	msg := fmt.Sprintf("Cannot connect to the skiff daemon at %s. Is the skiff daemon running?", host)
	// ssh's own complaint (unknown host, no skiff on the remote) matters more.
	if a.host.scheme() == "ssh" || (a.globals != nil && a.globals.Debug) {
		msg += "\n" + err.Error()
	}
	return msg
}
