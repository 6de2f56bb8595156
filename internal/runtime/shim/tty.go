package shim

import (
	"github.com/containerd/errdefs"
	"github.com/creack/pty"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// consoleSize is the tty size asked for at start (docker run
// --console-size, or the CLI's terminal size), nil for the default.
func consoleSize(cfg shimapi.Config) *pty.Winsize {
	if cfg.ConsoleHeight == 0 && cfg.ConsoleWidth == 0 {
		return nil
	}
	return &pty.Winsize{Rows: cfg.ConsoleHeight, Cols: cfg.ConsoleWidth}
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
