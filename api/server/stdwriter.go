package server

import (
	"encoding/binary"
	"io"
	"sync"

	"github.com/moby/moby/api/pkg/stdcopy"
)

// stdHeaderLen is the size of a multiplexed frame's header: the stream
// byte, three zero bytes, then the payload length as a big-endian uint32.
const stdHeaderLen = 8

// maxFrame bounds one frame's payload well inside its uint32 size field.
const maxFrame = 1 << 30

// stdMux multiplexes several streams onto one writer in Docker's framing
// (application/vnd.docker.multiplexed-stream), which the moby API package
// only knows how to read (stdcopy.StdCopy). Frames from different streams
// may be written from different goroutines (attach copies stdout and
// stderr concurrently): the mutex keeps each frame whole.
type stdMux struct {
	mu    sync.Mutex
	w     io.Writer
	after func() // called after each frame, e.g. an HTTP flush
	buf   []byte
}

func newStdMux(w io.Writer, after func()) *stdMux {
	return &stdMux{w: w, after: after}
}

// stream returns a writer whose every Write becomes frames of stream t.
func (m *stdMux) stream(t stdcopy.StdType) io.Writer {
	return &stdStream{mux: m, typ: byte(t)}
}

type stdStream struct {
	mux *stdMux
	typ byte
}

// Write sends p as one frame (or several when p exceeds a frame's size
// field) and reports len(p) written only when all of it went out.
func (s *stdStream) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n := min(len(p), maxFrame)
		if err := s.mux.frame(s.typ, p[:n]); err != nil {
			return written, err
		}
		written += n
		p = p[n:]
	}
	return written, nil
}

// frame writes header and payload in one Write so a concurrent writer on
// the same connection cannot land between them, from a buffer reused
// across frames: a stream of output makes no garbage.
func (m *stdMux) frame(typ byte, payload []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	buf := append(m.buf[:0], typ, 0, 0, 0, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(buf[4:stdHeaderLen], uint32(len(payload)))
	buf = append(buf, payload...)
	_, err := m.w.Write(buf)
	if cap(buf) <= maxKeptFrame {
		m.buf = buf
	}
	if err != nil {
		return err
	}
	if m.after != nil {
		m.after()
	}
	return nil
}

// maxKeptFrame is the largest frame buffer a stdMux keeps for reuse.
const maxKeptFrame = 1 << 20
