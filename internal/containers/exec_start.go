package containers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"

	"github.com/skiff-engine/skiff/api/server"
	"github.com/skiff-engine/skiff/internal/runtime"
)

// execOutputGrace is how long an exec's output may go on after its
// process exited (a background child still holding stdout): then the
// stream ends anyway, so that `docker exec c sh -c 'sleep 1d &'` returns.
const execOutputGrace = time.Second

// ExecStart runs a created exec: attached (the streams go to the client
// until the output ends and the process exited) or detached (it returns
// once the process runs). A failed start is returned as is; the API puts
// it into the stream when already hijacked, as dockerd.
func (s *Service) ExecStart(ctx context.Context, id string, cfg *server.ExecStartConfig) error {
	e, err := s.getExec(id)
	if err != nil {
		return err
	}
	if cfg.Detach {
		proc, err := s.startExec(ctx, e, false, cfg.ConsoleSize)
		if err != nil {
			return err
		}
		go drainExec(proc)
		return nil
	}
	if err := claimExec(e); err != nil {
		return err
	}
	stdin, stdout, stderr, err := cfg.GetStreams(cfg.Tty)
	if err != nil {
		releaseExec(e)
		return err
	}
	if !e.openStdin {
		stdin = nil
	}
	if !e.openStdout {
		stdout = nil
	}
	if !e.openErr {
		stderr = nil
	}
	proc, err := s.launchExec(ctx, e, stdin != nil, cfg.ConsoleSize)
	if err != nil {
		return err
	}
	var keys []byte
	if e.tty {
		if keys = e.detachKeys; keys == nil {
			keys, _ = parseDetachKeys("") // dockerd's default, ctrl-p ctrl-q
		}
	}
	// A client that goes away does not stop the process (dockerd starts
	// it with a background context); only its streams end.
	if pumpExec(ctx, e, proc, stdin, keys, stdout, stderr) {
		s.publish(e.c, events.ActionExecDetach, map[string]string{"execID": e.id})
	}
	return nil
}

// claimExec marks e running, with dockerd's conflicts for an exec that
// ran or runs.
func claimExec(e *execRec) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.exitCode != nil {
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("exec command %s has already run", e.id))
	}
	if e.running {
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("exec command %s is already running", e.id))
	}
	e.running = true
	return nil
}

// releaseExec undoes claimExec when the start did not get as far as the
// process.
func releaseExec(e *execRec) {
	e.mu.Lock()
	e.running = false
	e.mu.Unlock()
}

// startExec claims e and launches its process.
func (s *Service) startExec(ctx context.Context, e *execRec, stdin bool, consoleSize *[2]uint) (*runtime.Process, error) {
	if err := claimExec(e); err != nil {
		return nil, err
	}
	return s.launchExec(ctx, e, stdin, consoleSize)
}

// launchExec reports exec_start and starts the process of a claimed exec;
// a failed start ends the exec with the exit code of the failure. The
// exit is recorded (and exec_die reported) by watchExec.
func (s *Service) launchExec(ctx context.Context, e *execRec, stdin bool, consoleSize *[2]uint) (*runtime.Process, error) {
	s.publish(e.c, execAction(events.ActionExecStart, e.cmd), map[string]string{"execID": e.id})
	proc, err := s.startExecProcess(ctx, e, stdin, consoleSize)
	if err != nil {
		code := codeNotRunnable // dockerd's default for a failed start
		var ec runtime.ExitCoder
		if errors.As(err, &ec) {
			code = ec.ExitCode()
		}
		e.mu.Lock()
		e.running = false
		e.exitCode = &code
		e.ended = time.Now()
		e.mu.Unlock()
		close(e.started)
		return nil, err
	}
	e.mu.Lock()
	e.proc, e.pid = proc, proc.Pid()
	e.exited = make(chan struct{})
	exited := e.exited
	e.mu.Unlock()
	close(e.started)
	go s.watchExec(e, proc, exited)
	return proc, nil
}

// watchExec records the exit of e's process and reports exec_die.
func (s *Service) watchExec(e *execRec, proc *runtime.Process, exited chan struct{}) {
	code, _ := proc.Wait(context.Background())
	e.mu.Lock()
	e.running = false
	e.exitCode = &code
	e.ended = time.Now()
	e.proc = nil
	e.mu.Unlock()
	close(exited)
	s.publish(e.c, events.ActionExecDie, map[string]string{"execID": e.id, "exitCode": strconv.Itoa(code)})
}

// waitExited returns once e's exit is recorded.
func waitExited(e *execRec) {
	e.mu.Lock()
	ch := e.exited
	e.mu.Unlock()
	if ch != nil {
		<-ch
	}
}

// drainExec reads a detached exec's output away, so that it never blocks
// on a full pipe, and closes the engine's ends when it is done.
func drainExec(proc *runtime.Process) {
	pumpOutput(proc, io.Discard, io.Discard)
	proc.Close()
}

// pumpExec copies an attached exec's streams until its output ended and
// its exit is recorded (or the client detached with its keys, or went
// away), and reports whether the client detached.
func pumpExec(ctx context.Context, e *execRec, proc *runtime.Process, stdin io.ReadCloser, keys []byte, stdout, stderr io.Writer) bool {
	out := &switchWriter{w: stdout}
	errw := &switchWriter{w: stderr}
	detached := make(chan struct{})
	if stdin != nil && proc.Stdin != nil {
		go func() {
			var r io.Reader = stdin
			if keys != nil {
				r = newDetachReader(stdin, keys)
			}
			_, err := io.Copy(proc.Stdin, r)
			if errors.Is(err, errDetached) {
				close(detached)
				return
			}
			// The end of the client's stdin is the process's EOF
			// (dockerd's CloseStdin); the output goes on.
			proc.Stdin.Close()
		}()
	}
	outDone := make(chan struct{})
	go func() {
		pumpOutput(proc, out, errw)
		close(outDone)
	}()
	gone := false
	select {
	case <-outDone:
	case <-detached:
		out.drop()
		errw.drop()
		go func() { <-outDone; proc.Close() }()
		return true
	case <-ctx.Done():
		gone = true
	}
	if gone {
		// The client went away: its output has nowhere to go, but the
		// process runs on, as with dockerd.
		out.drop()
		errw.drop()
		go func() { <-outDone; proc.Close() }()
		return false
	}
	waitExited(e)
	proc.Close()
	return false
}

// pumpOutput copies the process's output until it ends, or until
// execOutputGrace after the process exited.
func pumpOutput(proc *runtime.Process, stdout, stderr io.Writer) {
	var wg sync.WaitGroup
	copyOut := func(w io.Writer, r io.Reader) {
		defer wg.Done()
		if w == nil {
			w = io.Discard
		}
		io.Copy(w, r)
	}
	if proc.Stdout != nil {
		wg.Add(1)
		go copyOut(stdout, proc.Stdout)
	}
	if proc.Stderr != nil {
		wg.Add(1)
		go copyOut(stderr, proc.Stderr)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-proc.Done():
	}
	select {
	case <-done:
	case <-time.After(execOutputGrace):
		proc.Close() // ends the copies: the rest is a background child's
		<-done
	}
}

// switchWriter writes to w until dropped, then discards.
type switchWriter struct {
	mu      sync.Mutex
	w       io.Writer
	dropped bool
}

func (s *switchWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dropped || s.w == nil {
		return len(b), nil
	}
	if _, err := s.w.Write(b); err != nil {
		// The client is gone: keep reading the process's output.
		s.dropped = true
	}
	return len(b), nil
}

func (s *switchWriter) drop() {
	s.mu.Lock()
	s.dropped = true
	s.mu.Unlock()
}

// ExecResize sets the size of a running exec's tty.
func (s *Service) ExecResize(ctx context.Context, id string, height, width uint16) error {
	e, err := s.getExec(id)
	if err != nil {
		return err
	}
	// The CLI resizes as soon as its stream is up, which may be before
	// the process is: wait for it, as dockerd does.
	select {
	case <-e.started:
	case <-time.After(10 * time.Second):
		return errors.New("timeout waiting for exec session ready")
	case <-ctx.Done():
		return ctx.Err()
	}
	e.mu.Lock()
	proc := e.proc
	e.mu.Unlock()
	if proc == nil {
		return errdefs.ErrConflict.WithMessage(fmt.Sprintf("exec %s is not running", e.id))
	}
	return proc.Resize(width, height)
}
