package containers

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"

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
	tty, openStdin, stdinOnce := c.rec.Config.Tty, c.rec.Config.OpenStdin, c.rec.Config.StdinOnce
	logPath := c.rec.LogPath
	c.mu.Unlock()
	// Detach keys only apply with a tty (dockerd); a bad value is a 400
	// before the connection is hijacked.
	var keys []byte
	if tty && cfg.Stdin {
		if keys, err = checkDetachKeys(cfg.DetachKeys); err != nil {
			return err
		}
	} else if _, err := checkDetachKeys(cfg.DetachKeys); err != nil {
		return err
	}
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
	in := attachInput{r: stdin, keys: keys, closeStdin: stdinOnce && !tty}
	if pump(ctx, res, in, stdout, stderr) {
		s.publish(c, events.ActionDetach, nil)
	}
	return nil
}

// outputBufs are the copy buffers of attached output streams.
var outputBufs = sync.Pool{New: func() any { b := make([]byte, 64*1024); return &b }}

// attachInput is the client's stdin of an attach and what its end means.
type attachInput struct {
	r    io.ReadCloser // nil without stdin
	keys []byte        // detach sequence (tty only)
	// closeStdin: the end of the client's stdin closes the container's
	// (StdinOnce without a tty); otherwise it ends the attach, as dockerd.
	closeStdin bool
}

// pump copies the streams until the output ends or ctx is done; it
// reports whether the client detached with its detach keys.
func pump(ctx context.Context, res attachResult, in attachInput, stdout, stderr io.Writer) bool {
	st := res.streams
	var detached atomic.Bool
	inEnded := make(chan struct{})
	if st.Stdin != nil {
		go func() {
			defer close(inEnded)
			_, err := io.Copy(st.Stdin, newDetachReader(in.r, in.keys))
			detached.Store(errors.Is(err, errDetached))
			// Half-closes the shim's stdin: the shim closes the
			// container's stdin for StdinOnce, never a tty's.
			st.Stdin.Close()
		}()
	}
	var wg sync.WaitGroup
	copyOut := func(w io.Writer, r io.ReadCloser) {
		defer wg.Done()
		// A whole shim frame (up to 64 KiB) per read and write: io.Copy's
		// 32 KiB would split each into two frames and two writes.
		buf := outputBufs.Get().(*[]byte)
		io.CopyBuffer(w, r, *buf)
		outputBufs.Put(buf)
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
	// The end of stdin (or a detach) ends the attach unless it only
	// closes the container's stdin.
	var stdinEnd <-chan struct{}
	if st.Stdin != nil && !in.closeStdin {
		stdinEnd = inEnded
	}
	select {
	case <-end:
	case <-stdinEnd:
	case <-ctx.Done():
	}
	closeStreams(st)
	<-done
	if st.Stdin != nil {
		in.r.Close() // stop a stdin copy still reading the client
	}
	return detached.Load()
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
