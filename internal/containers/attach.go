package containers

import (
	"context"
	"io"
	"sync"

	"github.com/moby/moby/api/types/events"

	"github.com/skiff-engine/skiff/api/server"
	"github.com/skiff-engine/skiff/internal/logs/jsonfile"
	"github.com/skiff-engine/skiff/internal/runtime"
)

// attachWaiter is an attach to a container that is not running: the
// next start connects it before the process runs.
type attachWaiter struct {
	opts runtime.AttachOptions
	ch   chan attachResult // buffered: start never blocks on it
}

type attachResult struct {
	streams runtime.Streams
	exited  <-chan struct{}
	err     error
}

// connectWaiters attaches every waiting client to a new task.
func (s *Service) connectWaiters(ctx context.Context, c *ctr, t *runtime.Task) {
	c.mu.Lock()
	ws := c.waiters
	c.waiters = map[*attachWaiter]struct{}{}
	exited := c.exitCh
	c.mu.Unlock()
	for w := range ws {
		st, err := t.Attach(ctx, w.opts)
		w.ch <- attachResult{streams: st, exited: exited, err: err}
	}
}

// Attach connects a client to the container's streams: the log first if
// asked, then the live output (and the client's stdin).
func (s *Service) Attach(ctx context.Context, idOrName string, cfg *server.AttachConfig) error {
	c, err := s.get(idOrName)
	if err != nil {
		return err
	}
	c.mu.Lock()
	tty, openStdin := c.rec.Config.Tty, c.rec.Config.OpenStdin
	logPath := c.rec.LogPath
	c.mu.Unlock()
	stdin, stdout, stderr, err := cfg.GetStreams(tty)
	if err != nil {
		return err
	}
	s.publish(c, events.ActionAttach, nil)
	if !cfg.Stdout {
		stdout = nil
	}
	if !cfg.Stderr {
		stderr = nil
	}
	if cfg.Logs {
		replayLog(ctx, logPath, stdout, stderr)
	}
	if !cfg.Stream {
		return nil
	}
	opts := runtime.AttachOptions{Stdin: cfg.Stdin && openStdin && stdin != nil, Stdout: stdout != nil, Stderr: stderr != nil}

	c.mu.Lock()
	if c.removed || c.removing {
		c.mu.Unlock()
		return nil
	}
	var res attachResult
	if t := c.task; t != nil {
		res.exited = c.exitCh
		c.mu.Unlock()
		res.streams, res.err = t.Attach(ctx, opts)
	} else {
		w := &attachWaiter{opts: opts, ch: make(chan attachResult, 1)}
		c.waiters[w] = struct{}{}
		removed := c.removedCh
		c.mu.Unlock()
		select {
		case res = <-w.ch:
		case <-ctx.Done():
		case <-removed:
		}
		c.mu.Lock()
		delete(c.waiters, w)
		c.mu.Unlock()
		if res.exited == nil {
			// Gone or given up before a start; a start may have
			// connected it meanwhile.
			select {
			case res = <-w.ch:
				closeStreams(res.streams)
			default:
			}
			return nil
		}
	}
	if res.err != nil {
		return res.err
	}
	pump(ctx, res, stdin, stdout, stderr)
	return nil
}

// pump copies the streams until the output ends or ctx is done.
func pump(ctx context.Context, res attachResult, stdin io.ReadCloser, stdout, stderr io.Writer) {
	st := res.streams
	if st.Stdin != nil {
		go func() {
			io.Copy(st.Stdin, stdin)
			st.Stdin.Close()
		}()
	}
	var wg sync.WaitGroup
	copyOut := func(w io.Writer, r io.ReadCloser) {
		defer wg.Done()
		io.Copy(w, r)
		r.Close()
	}
	if st.Stdout != nil {
		wg.Add(1)
		go copyOut(stdout, st.Stdout)
	}
	if st.Stderr != nil {
		wg.Add(1)
		go copyOut(stderr, st.Stderr)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	// The output ends (EOF) once all of it is delivered; with stdin only,
	// stay until the container exits.
	var end <-chan struct{} = done
	if st.Stdout == nil && st.Stderr == nil {
		end = res.exited
	}
	select {
	case <-end:
	case <-ctx.Done():
	}
	closeStreams(st)
	<-done
}

func closeStreams(st runtime.Streams) {
	if st.Stdout != nil {
		st.Stdout.Close()
	}
	if st.Stderr != nil {
		st.Stderr.Close()
	}
	if st.Stdin != nil {
		st.Stdin.Close()
	}
}

// replayLog writes the container's log so far to the client.
func replayLog(ctx context.Context, path string, stdout, stderr io.Writer) {
	for m := range jsonfile.Read(ctx, path, jsonfile.ReadOptions{Tail: -1}) {
		if m.Err != nil {
			return
		}
		w := stdout
		if m.Stream == "stderr" {
			w = stderr
		}
		if w != nil {
			w.Write(m.Line)
		}
	}
}
