package runtime

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"sync"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// ErrAttachDropped ends an attach's output when the shim dropped it,
// because it fell too far behind the container's output.
var ErrAttachDropped = errors.New("attach dropped: the client did not keep up with the container's output")

// Attach connects to the container's output from now on and, if asked,
// to its stdin. Stdout and Stderr must be read concurrently: they share
// one connection. ctx bounds only the setup. Closing every returned end
// ends the attach; closing Stdin gives the container EOF when the task was
// created with StdinOnce.
func (t *Task) Attach(ctx context.Context, opts AttachOptions) (Streams, error) {
	c, err := dial(ctx, t.runDir, t.id)
	if err != nil {
		return Streams{}, err
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	br := bufio.NewReaderSize(c, 32*1024)
	var resp shimapi.Response
	err = shimapi.WriteLine(c, shimapi.Request{Op: shimapi.OpAttach, Stdin: opts.Stdin, Stdout: opts.Stdout, Stderr: opts.Stderr})
	if err == nil {
		err = shimapi.ReadLine(br, &resp)
	}
	if !stop() {
		return Streams{}, ctx.Err()
	}
	if err == nil {
		err = resp.Err()
	}
	if err != nil {
		c.Close()
		return Streams{}, err
	}

	a := &attachment{conn: c}
	var st Streams
	var outW, errW *io.PipeWriter
	if opts.Stdout {
		var r *io.PipeReader
		r, outW = io.Pipe()
		st.Stdout = a.reader(r)
	}
	if opts.Stderr {
		var r *io.PipeReader
		r, errW = io.Pipe()
		st.Stderr = a.reader(r)
	}
	if opts.Stdin {
		st.Stdin = a.stdin()
	}
	go demux(br, outW, errW)
	return st, nil
}

// demux splits the shim's frames onto the output pipes.
func demux(br *bufio.Reader, outW, errW *io.PipeWriter) {
	var buf []byte
	end := ErrAttachDropped
	for {
		stream, data, err := shimapi.ReadFrame(br, buf)
		if err != nil {
			break
		}
		buf = data[:0]
		if stream == shimapi.StreamEnd {
			end = nil
			break
		}
		w := outW
		if stream == shimapi.StreamStderr {
			w = errW
		}
		if w != nil {
			// A reader that was closed just stops getting data; the
			// other stream goes on.
			w.Write(data)
		}
	}
	for _, w := range []*io.PipeWriter{outW, errW} {
		if w != nil {
			w.CloseWithError(end)
		}
	}
}

// attachment closes its connection when every end it handed out is
// closed.
type attachment struct {
	conn net.Conn
	mu   sync.Mutex
	refs int
}

func (a *attachment) acquire() {
	a.mu.Lock()
	a.refs++
	a.mu.Unlock()
}

func (a *attachment) release() {
	a.mu.Lock()
	a.refs--
	last := a.refs == 0
	a.mu.Unlock()
	if last {
		a.conn.Close()
	}
}

func (a *attachment) reader(r *io.PipeReader) io.ReadCloser {
	a.acquire()
	return &attachReader{PipeReader: r, a: a}
}

func (a *attachment) stdin() io.WriteCloser {
	a.acquire()
	return &attachStdin{a: a}
}

type attachReader struct {
	*io.PipeReader
	a    *attachment
	once sync.Once
}

func (r *attachReader) Close() error {
	r.once.Do(func() {
		r.PipeReader.Close()
		r.a.release()
	})
	return nil
}

type attachStdin struct {
	a    *attachment
	once sync.Once
}

func (s *attachStdin) Write(p []byte) (int, error) { return s.a.conn.Write(p) }

// Close ends stdin (a half-close), then lets go of the connection.
func (s *attachStdin) Close() error {
	s.once.Do(func() {
		if cw, ok := s.a.conn.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
		s.a.release()
	})
	return nil
}
