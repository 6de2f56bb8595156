package jsonfile

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"time"
)

// ReadOptions choose which entries Read returns.
type ReadOptions struct {
	// Since and Until bound the entries by time, both inclusive as in
	// Docker; zero is unbounded. The first entry after Until ends the read.
	Since, Until time.Time
	// Tail is how many of the last entries to start with: -1 all, 0 none
	// (a follow then shows only new entries), N the last N lines. Since
	// applies after Tail, as dockerd does.
	Tail int
	// Follow keeps reading what is appended until Stopped closes, Until
	// passes or ctx ends.
	Follow bool
	// Stopped is closed when the container stops: a follow then reads what
	// is left and ends. nil never closes.
	Stopped <-chan struct{}
}

// Message is one log entry (Line as logged: a complete line keeps its
// "\n") or, as the last message, the error that stopped the read.
type Message struct {
	Stream string
	Line   []byte
	Time   time.Time
	Err    error
}

// maxEntry bounds one JSON line, so that a file without newlines cannot
// grow the reader without limit. A MaxLine entry escaped as \u00XX is
// about 100 KiB.
const maxEntry = 1 << 20

var errEntryTooLong = errors.New("log entry longer than 1 MiB")

// Read streams the entries of the json-file log at path. A missing file is
// an empty log (a container that never started). The channel closes at the
// end of the log, after an error message, or when ctx ends.
func Read(ctx context.Context, path string, opts ReadOptions) <-chan Message {
	ch := make(chan Message)
	go func() {
		defer close(ch)
		r := &reader{ctx: ctx, out: ch, opts: opts}
		if err := r.run(path); err != nil {
			r.send(Message{Err: err})
		}
	}()
	return ch
}

type reader struct {
	ctx  context.Context
	out  chan<- Message
	opts ReadOptions
}

func (r *reader) run(path string) error {
	var w *watcher
	if r.opts.Follow {
		// Watch before the first read, so that nothing written between the
		// read and the wait goes unnoticed.
		var err error
		if w, err = watch(path); err != nil {
			return err
		}
		defer w.Close()
	}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !r.opts.Follow {
			return nil
		}
	case err != nil:
		return err
	default:
		defer f.Close()
		if err := r.seekTail(f); err != nil {
			return err
		}
	}

	var until <-chan time.Time
	if r.opts.Follow && !r.opts.Until.IsZero() {
		t := time.NewTimer(time.Until(r.opts.Until))
		defer t.Stop()
		until = t.C
	}
	var lines *lineReader
	if f != nil {
		lines = newLineReader(f)
	}
	for {
		if lines != nil {
			if more, err := r.drain(lines); err != nil || !more {
				return err
			}
		}
		if !r.opts.Follow {
			return nil
		}
		last := false
		select {
		case <-r.ctx.Done():
			return nil
		case <-r.opts.Stopped:
			last = true
		case <-until:
			last = true
		case <-w.C:
		}
		if lines == nil {
			// The log did not exist yet: it may now.
			if f, err = os.Open(path); err == nil {
				defer f.Close()
				lines = newLineReader(f)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		if last {
			if lines != nil {
				_, err := r.drain(lines)
				return err
			}
			return nil
		}
	}
}

// seekTail moves f to where the entries Tail asks for begin.
func (r *reader) seekTail(f *os.File) error {
	if r.opts.Tail < 0 {
		return nil
	}
	st, err := f.Stat()
	if err != nil {
		return err
	}
	off, err := tailOffset(f, st.Size(), r.opts.Tail)
	if err != nil {
		return err
	}
	_, err = f.Seek(off, io.SeekStart)
	return err
}

// drain sends every complete entry up to the end of the file. more is
// false when the read must end (Until passed, ctx ended).
func (r *reader) drain(lines *lineReader) (more bool, err error) {
	for {
		b, err := lines.next()
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if isBlank(b) {
			continue
		}
		m, err := decodeLine(b)
		if err != nil {
			return false, err
		}
		if !r.opts.Since.IsZero() && m.Time.Before(r.opts.Since) {
			continue
		}
		if !r.opts.Until.IsZero() && m.Time.After(r.opts.Until) {
			return false, nil
		}
		if !r.send(m) {
			return false, nil
		}
	}
}

func (r *reader) send(m Message) bool {
	select {
	case r.out <- m:
		return true
	case <-r.ctx.Done():
		return false
	}
}
