package harness

import (
	"errors"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// PTY is a client command (docker, skiff) running on a pseudo-terminal, as a
// user at a terminal would run it.
type PTY struct {
	t    *testing.T
	cmd  *exec.Cmd
	tty  *os.File // master side
	done chan struct{}
	code int

	mu   sync.Mutex
	out  []byte // everything read so far
	seen int    // out[:seen] was consumed by Expect
	more chan struct{}
}

// StartPTY runs the docker CLI with args on an 80x24 pty (the skiff CLI when
// args[0] is "skiff"; a leading "docker" is allowed too). The command is
// killed at the end of the test.
func (d *Daemon) StartPTY(t *testing.T, args ...string) *PTY {
	t.Helper()
	var cmd *exec.Cmd
	if len(args) > 0 && args[0] == "skiff" {
		cmd = exec.Command(Binary(t), args[1:]...)
		cmd.Env = clientEnviron("SKIFF_HOST="+d.Host, "SKIFF_NO_AUTOSTART=1", "DOCKER_CONFIG="+d.dockerConfig, "TERM=xterm")
	} else {
		if len(args) > 0 && args[0] == "docker" {
			args = args[1:]
		}
		bin, err := exec.LookPath("docker")
		if err != nil {
			t.Fatal("docker CLI not found on PATH: install the docker-ce-cli package (Docker's apt repository) or docker.io (Debian)")
		}
		cmd = exec.Command(bin, args...)
		cmd.Env = append(d.DockerEnv(), "TERM=xterm")
	}
	return StartPTYCommand(t, cmd)
}

// StartPTYCommand starts cmd (Env already set) on an 80x24 pty.
func StartPTYCommand(t *testing.T, cmd *exec.Cmd) *PTY {
	t.Helper()
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		t.Fatalf("starting %v on a pty: %v", cmd.Args, err)
	}
	p := &PTY{t: t, cmd: cmd, tty: tty, done: make(chan struct{}), more: make(chan struct{}, 1)}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		buf := make([]byte, 32*1024)
		for {
			n, err := tty.Read(buf)
			if n > 0 {
				p.mu.Lock()
				p.out = append(p.out, buf[:n]...)
				p.mu.Unlock()
				p.notify()
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		err := cmd.Wait()
		// Let the reader drain what the command wrote before it exited
		// (EIO on the master once the last slave fd closes).
		select {
		case <-readDone:
		case <-time.After(2 * time.Second):
		}
		p.code = exitCode(err)
		close(p.done)
		p.notify()
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		tty.Close()
	})
	return p
}

func (p *PTY) notify() {
	select {
	case p.more <- struct{}{}:
	default:
	}
}

// Send types s on the terminal (use "\r" for Enter, "\x10\x11" for ctrl-p ctrl-q).
func (p *PTY) Send(s string) {
	p.t.Helper()
	if _, err := p.tty.Write([]byte(s)); err != nil {
		p.t.Fatalf("writing %q to the pty: %v", s, err)
	}
}

// Expect waits up to timeout for the output written since the last match to
// match the regexp pattern, consumes it up to the end of the match and
// returns the match. It fails the test on timeout with what was seen.
func (p *PTY) Expect(t *testing.T, pattern string, timeout time.Duration) string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		rest := p.out[p.seen:]
		if loc := re.FindIndex(rest); loc != nil {
			m := string(rest[loc[0]:loc[1]])
			p.seen += loc[1]
			p.mu.Unlock()
			return m
		}
		p.mu.Unlock()
		select {
		case <-p.more:
		case <-deadline.C:
			t.Fatalf("pty %v: no match for %q within %s; output since last match:\n%q", p.cmd.Args, pattern, timeout, p.Rest())
			return ""
		}
		if p.exited() {
			// One more look at the final output before giving up.
			p.mu.Lock()
			rest := p.out[p.seen:]
			loc := re.FindIndex(rest)
			p.mu.Unlock()
			if loc == nil {
				t.Fatalf("pty %v exited %d with no match for %q; output since last match:\n%q", p.cmd.Args, p.code, pattern, p.Rest())
			}
		}
	}
}

// Rest is the output not consumed by Expect yet.
func (p *PTY) Rest() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.out[p.seen:])
}

// Output is everything the command wrote to the terminal.
func (p *PTY) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.out)
}

// Resize sets the terminal size, which sends SIGWINCH to the command.
func (p *PTY) Resize(rows, cols uint16) {
	p.t.Helper()
	if err := pty.Setsize(p.tty, &pty.Winsize{Rows: rows, Cols: cols}); err != nil {
		p.t.Fatalf("resizing the pty: %v", err)
	}
}

// Wait waits up to timeout for the command to exit and returns its exit code
// (128+signal when killed by one). It fails the test on timeout.
func (p *PTY) Wait(timeout time.Duration) int {
	p.t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(timeout):
		p.t.Fatalf("pty %v still running after %s; output:\n%q", p.cmd.Args, timeout, p.Output())
		return -1
	}
}

// Signal sends sig to the command.
func (p *PTY) Signal(sig os.Signal) error {
	if p.exited() {
		return errors.New("process exited")
	}
	return p.cmd.Process.Signal(sig)
}

func (p *PTY) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}
