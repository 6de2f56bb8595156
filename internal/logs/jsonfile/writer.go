// Package jsonfile reads and writes container logs in Docker's json-file
// format: one JSON object a line, {"log":"...","stream":"stdout","time":"..."},
// so tools that read Docker's log files read skiff's too.
package jsonfile

import (
	"bytes"
	"io"
	"os"
	"sync"
	"time"
)

// MaxLine is where a line without a newline is cut into a partial entry,
// as dockerd does (16 KiB).
const MaxLine = 16 * 1024

// Entry is one line of a json-file log.
type Entry struct {
	Log    string    `json:"log"`
	Stream string    `json:"stream"`
	Time   time.Time `json:"time"`
}

// Writer appends entries to one log file. It is safe for concurrent use by
// the stream writers of one container.
type Writer struct {
	mu  sync.Mutex
	f   *os.File
	buf []byte // the entries of one write, reused
	now func() time.Time
}

// Create opens path for appending (creating it 0640).
func Create(path string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return nil, err
	}
	return &Writer{f: f, now: time.Now}, nil
}

// Log writes one entry. line is written as is: a complete line ends in
// "\n", a partial one does not.
func (w *Writer) Log(stream string, line []byte, t time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = appendEntry(w.buf[:0], stream, line, appendTime(nil, t.UTC()))
	return w.flushLocked()
}

// flushLocked writes the buffered entries. A buffer grown by one huge
// write is let go rather than kept for the shim's lifetime.
func (w *Writer) flushLocked() error {
	_, err := w.f.Write(w.buf)
	if cap(w.buf) > maxKeptBuf {
		w.buf = nil
	}
	return err
}

// maxKeptBuf is the largest entry buffer a Writer keeps between writes.
const maxKeptBuf = 4 << 20

// Close closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.f.Close()
}

// Stream returns an io.WriteCloser that cuts what is written to it into
// lines (at most MaxLine bytes each) and logs them on stream ("stdout" or
// "stderr"). Close logs a final line that has no newline. The lines of one
// Write share one time stamp (they were read together) and one write(2).
func (w *Writer) Stream(stream string) io.WriteCloser {
	return &streamWriter{w: w, stream: stream}
}

type streamWriter struct {
	w       *Writer
	stream  string
	pending []byte // a line not finished yet
}

func (s *streamWriter) Write(p []byte) (int, error) {
	n := len(p)
	w := s.w
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = w.buf[:0]
	var ts []byte
	for len(p) > 0 {
		// Take up to the next newline, but never past MaxLine in all: a
		// longer line is logged in MaxLine pieces, newline or not.
		take := len(p)
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			take = i + 1
		}
		take = min(take, MaxLine-len(s.pending))
		line := p[:take]
		p = p[take:]
		if len(s.pending) > 0 {
			s.pending = append(s.pending, line...)
			line = s.pending
		}
		if len(line) < MaxLine && line[len(line)-1] != '\n' {
			if len(s.pending) == 0 {
				s.pending = append(s.pending, line...)
			}
			break // p is used up: the rest of the line comes later
		}
		if ts == nil {
			ts = appendTime(make([]byte, 0, 40), w.now().UTC())
		}
		w.buf = appendEntry(w.buf, s.stream, line, ts)
		s.pending = s.pending[:0]
	}
	if len(w.buf) == 0 {
		return n, nil
	}
	if err := w.flushLocked(); err != nil {
		return 0, err
	}
	return n, nil
}

// Close logs what is left of an unfinished line.
func (s *streamWriter) Close() error {
	if len(s.pending) == 0 {
		return nil
	}
	err := s.w.Log(s.stream, s.pending, s.w.now())
	s.pending = s.pending[:0]
	return err
}
