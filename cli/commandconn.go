package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// commandConn is a net.Conn over the stdin and stdout of a command (ssh ...
// skiff system dial-stdio): writes go to its stdin, reads come from its stdout.
type commandConn struct {
	cmd    *exec.Cmd
	argv   []string
	stdin  io.WriteCloser
	stdout io.ReadCloser
	stderr lockedBuffer

	waitOnce sync.Once
	waitErr  error
	closing  bool
	mu       sync.Mutex
}

// newCommandConn starts name with args. The command is not tied to ctx: the
// connection outlives the dial, as a socket would.
func newCommandConn(_ context.Context, name string, args ...string) (*commandConn, error) {
	cmd := exec.Command(name, args...)
	// Don't leave ssh behind when the CLI dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	c := &commandConn{cmd: cmd, argv: append([]string{name}, args...)}
	var err error
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if c.stdout, err = cmd.StdoutPipe(); err != nil {
		return nil, err
	}
	cmd.Stderr = &c.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start %s: %w", name, err)
	}
	return c, nil
}

func (c *commandConn) wait() error {
	c.waitOnce.Do(func() { c.waitErr = c.cmd.Wait() })
	return c.waitErr
}

// Read reads the command's stdout; at its end it reports how the command
// exited, with its stderr, when that was a failure.
func (c *commandConn) Read(p []byte) (int, error) {
	n, err := c.stdout.Read(p)
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, fs.ErrClosed) || errors.Is(err, io.ErrClosedPipe) {
		if werr := c.exitError(); werr != nil {
			return n, werr
		}
		return n, io.EOF
	}
	return n, err
}

// exitError waits for the command and, when it failed, says how, with its
// stderr: that is the message the user needs (ssh's "Could not resolve...").
// After Close the command's end is ours, not an error: nil.
func (c *commandConn) exitError() error {
	c.mu.Lock()
	closing := c.closing
	c.mu.Unlock()
	if closing {
		return nil
	}
	if werr := c.wait(); werr != nil {
		return fmt.Errorf("command %s exited: %w (stderr: %s)", strings.Join(c.argv, " "), werr, strings.TrimSpace(c.stderr.String()))
	}
	return nil
}

// Write writes to the command's stdin. A command that has already exited
// breaks the pipe; report its exit and stderr rather than EPIPE.
func (c *commandConn) Write(p []byte) (int, error) {
	n, err := c.stdin.Write(p)
	if err != nil && (errors.Is(err, syscall.EPIPE) || errors.Is(err, fs.ErrClosed)) {
		if werr := c.exitError(); werr != nil {
			return n, werr
		}
	}
	return n, err
}

// CloseWrite closes the command's stdin, which it sees as end of input.
func (c *commandConn) CloseWrite() error { return c.stdin.Close() }

// CloseRead closes our end of the command's stdout.
func (c *commandConn) CloseRead() error { return c.stdout.Close() }

// Close ends the command.
func (c *commandConn) Close() error {
	c.mu.Lock()
	c.closing = true
	c.mu.Unlock()
	_ = c.stdin.Close()
	if c.cmd.Process != nil {
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
	}
	done := make(chan struct{})
	go func() { _ = c.wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = c.cmd.Process.Kill()
		<-done
	}
	return nil
}

// LocalAddr is a placeholder: a command has no address.
func (c *commandConn) LocalAddr() net.Addr { return commandAddr("local") }

// RemoteAddr names the command.
func (c *commandConn) RemoteAddr() net.Addr { return commandAddr(strings.Join(c.argv, " ")) }

// SetDeadline is not supported on pipes to a command; it is a no-op, as in
// docker's commandconn, because net/http calls it.
func (c *commandConn) SetDeadline(time.Time) error { return nil }

// SetReadDeadline is a no-op; see SetDeadline.
func (c *commandConn) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline is a no-op; see SetDeadline.
func (c *commandConn) SetWriteDeadline(time.Time) error { return nil }

type commandAddr string

func (a commandAddr) Network() string { return "command" }
func (a commandAddr) String() string  { return string(a) }

// lockedBuffer collects a command's stderr while Read may look at it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// Keep the tail only: an error message, not a whole session's noise.
	if b.buf.Len() > 64<<10 {
		b.buf.Reset()
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
