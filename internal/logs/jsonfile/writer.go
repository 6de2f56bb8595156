// Package jsonfile reads and writes container logs in Docker's json-file
// format: one JSON object a line, {"log":"...","stream":"stdout","time":"..."},
// so tools that read Docker's log files read skiff's too.
package jsonfile

import (
	"bytes"
	"encoding/json"
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
	buf bytes.Buffer
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
	w.buf.Reset()
	enc := json.NewEncoder(&w.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Entry{Log: string(line), Stream: stream, Time: t.UTC()}); err != nil {
		return err
	}
	_, err := w.f.Write(w.buf.Bytes())
	return err
}

// Close closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.f.Close()
}

// Stream returns an io.WriteCloser that cuts what is written to it into
// lines (at most MaxLine bytes each) and logs them on stream ("stdout" or
// "stderr"). Close logs a final line that has no newline.
func (w *Writer) Stream(stream string) io.WriteCloser {
	return &streamWriter{w: w, stream: stream}
}

type streamWriter struct {
	w       *Writer
	stream  string
	pending []byte
}

func (s *streamWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		// Take up to the next newline, but never past MaxLine in all: a
		// longer line is logged in MaxLine pieces, newline or not.
		take := len(p)
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			take = i + 1
		}
		take = min(take, MaxLine-len(s.pending))
		s.pending = append(s.pending, p[:take]...)
		p = p[take:]
		if len(s.pending) == MaxLine || s.pending[len(s.pending)-1] == '\n' {
			if err := s.flush(); err != nil {
				return n - len(p), err
			}
		}
	}
	return n, nil
}

func (s *streamWriter) flush() error {
	if len(s.pending) == 0 {
		return nil
	}
	err := s.w.Log(s.stream, s.pending, s.w.now())
	s.pending = s.pending[:0]
	return err
}

// Close logs what is left of an unfinished line.
func (s *streamWriter) Close() error { return s.flush() }
