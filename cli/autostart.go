package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/skiff-engine/skiff/rootless/paths"
)

// daemonStart describes how to start a daemon and wait until it answers.
type daemonStart struct {
	// Argv is the daemon command line.
	Argv []string
	// Socket is where the daemon will listen; it only names it in messages.
	Socket string
	// LogPath receives the daemon's stdout and stderr.
	LogPath string
	// Ping reports whether the daemon answers.
	Ping func(context.Context) error
	// Timeout bounds the wait for the first successful ping.
	Timeout time.Duration
	// Interval is the pause between pings.
	Interval time.Duration
	// Env is the daemon's environment; nil inherits this process's.
	Env []string
	// Stderr receives the "started a daemon" notice and, on failure, the log tail.
	Stderr io.Writer
}

// logTailLines is how much of the daemon log a failed start shows.
const logTailLines = 20

// startDaemon is app.autostart: it starts `skiff daemon` from this very
// executable, detached, logging to $XDG_STATE_HOME/skiff/daemon.log.
func (a *app) startDaemon(ctx context.Context, socket string, ping func(context.Context) error) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot start a skiff daemon: %w", err)
	}
	state, err := paths.StateDir()
	if err != nil {
		return fmt.Errorf("cannot start a skiff daemon: %w", err)
	}
	return startDetached(ctx, daemonStart{
		Argv:     []string{exe, "daemon"},
		Socket:   socket,
		LogPath:  filepath.Join(state, "daemon.log"),
		Ping:     ping,
		Timeout:  10 * time.Second,
		Interval: 50 * time.Millisecond,
		Stderr:   a.Stderr,
	})
}

// startDetached starts d.Argv in its own session with stdin from /dev/null
// and output to d.LogPath, then polls d.Ping until it succeeds, the command
// exits, or d.Timeout passes. The daemon is left running on success.
func startDetached(ctx context.Context, d daemonStart) error {
	fail := func(err error, logStart int64) error {
		if tail := logTail(d.LogPath, logStart, logTailLines); tail != "" {
			fmt.Fprintf(d.Stderr, "skiff: the daemon log (%s) ends with:\n%s\n", d.LogPath, tail)
		}
		return fmt.Errorf("skiff: could not start a daemon at %s: %w", d.Socket, err)
	}
	if err := os.MkdirAll(filepath.Dir(d.LogPath), 0o700); err != nil {
		return fail(err, -1)
	}
	logf, err := os.OpenFile(d.LogPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fail(err, -1)
	}
	defer logf.Close()
	// Only what this start writes is worth showing on failure.
	logStart, _ := logf.Seek(0, io.SeekEnd)
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return fail(err, -1)
	}
	defer devnull.Close()

	cmd := exec.Command(d.Argv[0], d.Argv[1:]...)
	cmd.Env = d.Env
	cmd.Stdin = devnull
	cmd.Stdout = logf
	cmd.Stderr = logf
	// A session of its own: no terminal signals (^C) reach the daemon.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fail(err, logStart)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	deadline := time.NewTimer(d.Timeout)
	defer deadline.Stop()
	tick := time.NewTicker(d.Interval)
	defer tick.Stop()
	var lastErr error
	for {
		if lastErr = d.Ping(ctx); lastErr == nil {
			fmt.Fprintf(d.Stderr, "skiff: started a daemon at %s (log: %s)\n", d.Socket, d.LogPath)
			return nil
		}
		select {
		case err := <-exited:
			// Another CLI may have won the race to start one: if a daemon
			// answers, ours stepping aside is fine.
			if d.Ping(ctx) == nil {
				return nil
			}
			if err == nil {
				err = errors.New("the daemon exited")
			} else {
				err = fmt.Errorf("the daemon exited: %w", err)
			}
			return fail(err, logStart)
		case <-deadline.C:
			// Setsid made it a group leader: take its children down too.
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			return fail(fmt.Errorf("no answer after %s: %w", d.Timeout, lastErr), logStart)
		case <-ctx.Done():
			return fail(ctx.Err(), logStart)
		case <-tick.C:
		}
	}
}

// logTail returns the last n lines written to path after offset start
// (nothing when start is negative).
func logTail(path string, start int64, n int) string {
	if start < 0 {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		return ""
	}
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}
