package cli

import (
	"context"
	"fmt"
	"net"
	"net/url"
)

// sshHost is a parsed ssh://[user@]host[:port][/socket] address.
type sshHost struct {
	User, Host, Port string
	// Socket is the remote daemon socket; empty for the remote default.
	Socket string
}

func parseSSHHost(raw string) (sshHost, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return sshHost{}, fmt.Errorf("invalid ssh host %q: %w", raw, err)
	}
	if u.Scheme != "ssh" || u.Hostname() == "" {
		return sshHost{}, fmt.Errorf("invalid ssh host %q: want ssh://[user@]host[:port]", raw)
	}
	if _, set := u.User.Password(); set {
		return sshHost{}, fmt.Errorf("invalid ssh host %q: a password in the URL is not supported, use ssh keys or an agent", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return sshHost{}, fmt.Errorf("invalid ssh host %q: extra query or fragment", raw)
	}
	h := sshHost{User: u.User.Username(), Host: u.Hostname(), Port: u.Port()}
	if u.Path != "" && u.Path != "/" {
		h.Socket = u.Path
	}
	return h, nil
}

// argv is the ssh command line that runs `skiff system dial-stdio` remotely.
func (h sshHost) argv() []string {
	args := []string{"ssh"}
	if h.User != "" {
		args = append(args, "-l", h.User)
	}
	if h.Port != "" {
		args = append(args, "-p", h.Port)
	}
	args = append(args, "-o", "ConnectTimeout=30", "-T", "--", h.Host, "skiff")
	if h.Socket != "" {
		args = append(args, "--host", "unix://"+h.Socket)
	}
	return append(args, "system", "dial-stdio")
}

// dialer returns a DialContext for the moby client that ignores the address
// and opens a new ssh connection for each call, as docker's connhelper does.
func (h sshHost) dialer() func(ctx context.Context, network, addr string) (net.Conn, error) {
	argv := h.argv()
	return func(ctx context.Context, _, _ string) (net.Conn, error) {
		return newCommandConn(ctx, argv[0], argv[1:]...)
	}
}
