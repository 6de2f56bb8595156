package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-isatty"
	"golang.org/x/sys/unix"
)

// fdStream is a stream backed by a file descriptor (an *os.File).
type fdStream interface{ Fd() uintptr }

// terminalFd returns the descriptor of s and whether it is a terminal;
// buffers and pipes are not.
func terminalFd(s any) (uintptr, bool) {
	f, ok := s.(fdStream)
	if !ok {
		return 0, false
	}
	fd := f.Fd()
	return fd, isatty.IsTerminal(fd)
}

// isTerminal reports whether s is a terminal.
func isTerminal(s any) bool {
	_, ok := terminalFd(s)
	return ok
}

// disableEcho turns off the echo of a terminal input until restore is called.
func disableEcho(in any) (restore func() error, err error) {
	fd, ok := terminalFd(in)
	if !ok {
		return func() error { return nil }, nil
	}
	old, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
	if err != nil {
		return nil, err
	}
	noEcho := *old
	noEcho.Lflag &^= unix.ECHO
	if err := unix.IoctlSetTermios(int(fd), unix.TCSETS, &noEcho); err != nil {
		return nil, err
	}
	return func() error { return unix.IoctlSetTermios(int(fd), unix.TCSETS, old) }, nil
}

// readLine prints prompt to out and reads one line from in, without its
// line ending and surrounding spaces. It reads byte by byte so that nothing
// after the line is consumed (a password prompt reads the same stream next).
func readLine(in io.Reader, out io.Writer, prompt string) (string, error) {
	fmt.Fprint(out, prompt)
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := in.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				break
			}
			line = append(line, b[0])
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	return strings.TrimSpace(string(line)), nil
}

// confirm asks a yes/no question as docker does ("... [y/N] "); only "y"
// or "Y" is a yes. A cancelled context is a no.
func confirm(ctx context.Context, in io.Reader, out io.Writer, message string) bool {
	fmt.Fprint(out, message+" [y/N] ")
	answer := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(in)
		answer <- s.Scan() && strings.EqualFold(strings.TrimSpace(s.Text()), "y")
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(out)
		return false
	case ok := <-answer:
		return ok
	}
}
