package initproc

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// syncMsg is one datagram of the sync protocol with the shim.
type syncMsg struct {
	Type     string `json:"type"`
	Message  string `json:"message,omitempty"`
	ExitCode int    `json:"exitCode,omitempty"`
}

// syncConn is init's end of the shim's SEQPACKET socket. It is made
// close-on-exec at once, so a successful execve is the shim's EOF.
type syncConn struct{ fd int }

func newSyncConn(fd int) *syncConn {
	// A missing fd (init run by hand) shows up as errors on send.
	unix.CloseOnExec(fd)
	return &syncConn{fd: fd}
}

func (c *syncConn) send(m syncMsg) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = unix.SendmsgN(c.fd, b, nil, nil, unix.MSG_NOSIGNAL)
	return err
}

func (c *syncConn) ready() error { return c.send(syncMsg{Type: "ready"}) }

// awaitStart blocks until the shim says start.
func (c *syncConn) awaitStart() error {
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(c.fd, buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return os.NewSyscallError("read sync", err)
		}
		if n == 0 {
			return errors.New("the shim closed the sync socket before start")
		}
		var m syncMsg
		if err := json.Unmarshal(buf[:n], &m); err != nil {
			return fmt.Errorf("bad sync message from the shim: %w", err)
		}
		if m.Type == "start" {
			return nil
		}
		return fmt.Errorf("unexpected sync message %q from the shim", m.Type)
	}
}

// peerClosed reports whether the shim's end of the socket is closed: the
// shim died (it keeps its end open until init has exec'd or failed).
func (c *syncConn) peerClosed() bool {
	fds := []unix.PollFd{{Fd: int32(c.fd)}}
	n, err := unix.Poll(fds, 0)
	return err == nil && n == 1 && fds[0].Revents&unix.POLLHUP != 0
}

// fail reports err to the shim (and to stderr when the shim cannot be
// told) and returns the exit code init must exit with.
func (c *syncConn) fail(err error) int {
	code, msg := exitCodeOf(err), err.Error()
	if c.send(syncMsg{Type: "error", Message: msg, ExitCode: code}) != nil {
		fmt.Fprintln(os.Stderr, "skiff init:", msg)
	}
	return code
}
