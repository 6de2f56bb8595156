package shim

import (
	"github.com/containerd/errdefs"
	"github.com/creack/pty"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// consoleSize is the tty size the spec asks for at start (docker run
// --console-size, or the CLI's terminal size), nil for the default.
func consoleSize(spec *specs.Spec) *pty.Winsize {
	if spec.Process == nil || spec.Process.ConsoleSize == nil {
		return nil
	}
	cs := spec.Process.ConsoleSize
	if cs.Height == 0 && cs.Width == 0 {
		return nil
	}
	return &pty.Winsize{Rows: uint16(cs.Height), Cols: uint16(cs.Width)}
}

// resize sets the tty's size (TIOCSWINSZ on the master; the kernel sends
// the foreground process group SIGWINCH). Without a tty it does nothing,
// as containerd's shim does.
func (s *shim) resize(w, h uint16) error {
	select {
	case <-s.reaped:
		return errdefs.ErrConflict.WithMessage("container is not running")
	default:
	}
	if s.io.master == nil {
		return nil
	}
	return pty.Setsize(s.io.master, &pty.Winsize{Rows: h, Cols: w})
}
