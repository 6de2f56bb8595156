package cli

import (
	"context"
	"os"
	"os/signal"
	"time"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// rawInput puts the CLI's stdin terminal in raw mode (keys go to the
// container as typed: ^C, ^D, ctrl-p ctrl-q) and returns what restores
// it; it does nothing when stdin is not a terminal. Restore is safe to
// call more than once.
func (a *app) rawInput() (restore func()) {
	fd, ok := terminalFd(a.Stdin)
	if !ok {
		return func() {}
	}
	old, err := term.MakeRaw(int(fd))
	if err != nil {
		return func() {}
	}
	done := false
	return func() {
		if !done {
			done = true
			_ = term.Restore(int(fd), old)
		}
	}
}

// ttySize is the CLI's output terminal size; ok is false when stdout is
// not a terminal.
func (a *app) ttySize() (height, width uint, ok bool) {
	fd, isTTY := terminalFd(a.Stdout)
	if !isTTY {
		return 0, 0, false
	}
	ws, err := unix.IoctlGetWinsize(int(fd), unix.TIOCGWINSZ)
	if err != nil || (ws.Row == 0 && ws.Col == 0) {
		return 0, 0, false
	}
	return uint(ws.Row), uint(ws.Col), true
}

// monitorTTYSize gives the container (or exec) the terminal's size now and
// on every SIGWINCH until stop is called. The first resize is retried a
// few times, as the docker CLI does: an exec may not have started yet.
func (a *app) monitorTTYSize(resize func(ctx context.Context, h, w uint) error) (stop func()) {
	if _, _, ok := a.ttySize(); !ok {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(a.ctx))
	apply := func() error {
		h, w, ok := a.ttySize()
		if !ok {
			return nil
		}
		return resize(ctx, h, w)
	}
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, unix.SIGWINCH)
	go func() {
		for i := 0; i < 10; i++ {
			if apply() == nil || ctx.Err() != nil {
				break
			}
			select {
			case <-time.After(time.Duration(i+1) * 10 * time.Millisecond):
			case <-ctx.Done():
			}
		}
		for {
			select {
			case <-winch:
				_ = apply()
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() {
		signal.Stop(winch)
		cancel()
	}
}
