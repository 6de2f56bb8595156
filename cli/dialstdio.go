package cli

import (
	"errors"
	"io"
	"net"
)

// dialStdioCmd is `skiff system dial-stdio`: the far end of an ssh://
// connection, joining the caller's stdin and stdout to the daemon socket.
type dialStdioCmd struct{}

// halfCloser is a connection that can end one direction only.
type halfCloser interface {
	CloseWrite() error
}

// Run dials the daemon (starting one at the default socket if needed) and
// bridges stdio to it.
func (c *dialStdioCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	conn, err := cl.Dialer()(a.ctx)
	if err != nil {
		return statusError{Code: 1, Msg: a.cannotConnect(err)}
	}
	defer conn.Close()
	return bridgeStdio(conn, a.Stdin, a.Stdout)
}

// bridgeStdio copies stdin to conn and conn to stdout. At the end of stdin
// it half-closes conn, so the daemon sees the end of the request and can
// still answer; it returns when the daemon closes its side.
func bridgeStdio(conn net.Conn, stdin io.Reader, stdout io.Writer) error {
	hc, ok := conn.(halfCloser)
	if !ok {
		return errors.New("the daemon connection does not support half-close")
	}
	stdin2conn := make(chan error, 1)
	conn2stdout := make(chan error, 1)
	go func() {
		_, err := io.Copy(conn, stdin)
		if cerr := hc.CloseWrite(); err == nil {
			err = cerr
		}
		stdin2conn <- err
	}()
	go func() {
		_, err := io.Copy(stdout, conn)
		if c, ok := stdout.(halfCloser); ok {
			_ = c.CloseWrite()
		}
		conn2stdout <- err
	}()
	select {
	case err := <-stdin2conn:
		if err != nil {
			return err
		}
		return <-conn2stdout
	case err := <-conn2stdout:
		// The daemon is done; stdin may never end (a terminal), don't wait.
		return err
	}
}
