package shim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// The sync protocol with init: one JSON object per SEQPACKET datagram on
// init's fd 3. init sends ready (set up, waiting before execve) or error;
// the shim sends start; then init either execs (its fd 3 is close-on-exec,
// so the shim reads EOF) or sends error and exits with its code.
const (
	msgReady = "ready"
	msgStart = "start"
	msgError = "error"
)

type syncMsg struct {
	Type     string `json:"type"`
	Message  string `json:"message,omitempty"`
	ExitCode int    `json:"exitCode,omitempty"`
}

// syncConn is the shim's end of the sync socketpair. It is non-blocking
// and read through the netpoller: a shim setting up several containers at
// once does not hold an OS thread in read for each.
type syncConn struct{ f *os.File }

// newSyncPair returns the shim's end and init's end.
func newSyncPair() (*syncConn, *os.File, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, os.NewSyscallError("socketpair", err)
	}
	// Only the shim's end: the two ends are separate open files.
	if err := unix.SetNonblock(fds[0], true); err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return nil, nil, os.NewSyscallError("fcntl", err)
	}
	return &syncConn{f: os.NewFile(uintptr(fds[0]), "shim-sync")}, os.NewFile(uintptr(fds[1]), "init-sync"), nil
}

func (c *syncConn) send(m syncMsg) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	rc, err := c.f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = rc.Write(func(fd uintptr) bool {
		// MSG_NOSIGNAL: a dead init is an error here, not a SIGPIPE.
		_, serr = unix.SendmsgN(int(fd), b, nil, nil, unix.MSG_NOSIGNAL)
		return serr != unix.EAGAIN
	})
	if err == nil {
		err = serr
	}
	return err
}

// recv returns the next message, or io.EOF once init's end is closed.
func (c *syncConn) recv() (syncMsg, error) {
	rc, err := c.f.SyscallConn()
	if err != nil {
		return syncMsg{}, err
	}
	// Sized to the datagram (MSG_TRUNC gives its length): the messages
	// are small, and a shim sets up many containers.
	var buf []byte
	var n int
	var rerr error
	err = rc.Read(func(fd uintptr) bool {
		var peek [1]byte
		n, _, rerr = unix.Recvfrom(int(fd), peek[:], unix.MSG_PEEK|unix.MSG_TRUNC)
		if rerr == nil && n > 0 {
			buf = make([]byte, n)
			n, rerr = unix.Read(int(fd), buf)
		}
		return rerr != unix.EAGAIN && rerr != unix.EINTR
	})
	if err == nil {
		err = rerr
	}
	if err != nil {
		return syncMsg{}, os.NewSyscallError("read sync", err)
	}
	if n == 0 {
		return syncMsg{}, io.EOF
	}
	var m syncMsg
	if err := json.Unmarshal(buf[:n], &m); err != nil {
		return syncMsg{}, fmt.Errorf("init sent a bad sync message: %w", err)
	}
	return m, nil
}

func (c *syncConn) close() { c.f.Close() }

// errorOf is the error an init error message stands for.
func errorOf(m syncMsg, defaultCode int) *initError {
	code := m.ExitCode
	if code == 0 {
		code = defaultCode
	}
	msg := m.Message
	if msg == "" {
		msg = "init failed"
	}
	return &initError{msg: msg, code: code}
}

// setupTimeout bounds init's set-up (its mounts, pivot_root, user and
// capabilities: milliseconds). An init stuck there (a hung mount) would
// otherwise hold its group's place for good once the engine stopped
// waiting for it; the caller of awaitReady kills it.
var setupTimeout = 2 * time.Minute

// awaitReady waits for init to be set up, or for its failure.
func (s *shim) awaitReady() error {
	if err := s.sync.f.SetReadDeadline(time.Now().Add(setupTimeout)); err != nil {
		return err
	}
	defer s.sync.f.SetReadDeadline(time.Time{})
	m, err := s.sync.recv()
	switch {
	case errors.Is(err, io.EOF):
		return s.initDied()
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("init did not finish setting up the container within %s", setupTimeout)
	case err != nil:
		return err
	case m.Type == msgReady:
		return nil
	case m.Type == msgError:
		return errorOf(m, 125)
	}
	return fmt.Errorf("init sent %q before ready", m.Type)
}

// initDied describes init's end after it closed the sync channel without
// a word.
func (s *shim) initDied() error {
	select {
	case <-s.reaped:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.reaped
	}
	return fmt.Errorf("init exited: %s", s.cmd.ProcessState)
}
