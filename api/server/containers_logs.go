package server

import (
	"fmt"
	"io"
	"net/http"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types"
	"github.com/skiff-engine/skiff/api/httputils"
)

// rfc3339NanoFixed is RFC 3339 with nanoseconds zero-padded, so every
// timestamp prefix has the same width, as dockerd writes them.
const rfc3339NanoFixed = "2006-01-02T15:04:05.000000000Z07:00"

// parseLogsOptions reads GET /containers/{id}/logs's query.
func parseLogsOptions(r *http.Request) (LogsOptions, error) {
	q := r.URL.Query()
	opts := LogsOptions{
		Stdout:     formBool(q, "stdout"),
		Stderr:     formBool(q, "stderr"),
		Follow:     formBool(q, "follow"),
		Timestamps: formBool(q, "timestamps"),
		Tail:       parseTail(q.Get("tail")),
	}
	if !opts.Stdout && !opts.Stderr {
		return opts, errNoStream
	}
	var err error
	if opts.Since, err = parseLogTime("since", q.Get("since")); err != nil {
		return opts, err
	}
	if opts.Until, err = parseLogTime("until", q.Get("until")); err != nil {
		return opts, err
	}
	return opts, nil
}

// outputContentType is the media type of attach and logs output: raw for
// a tty, else multiplexed, which clients before API 1.42 knew as raw too.
func outputContentType(r *http.Request, tty bool) string {
	if tty || httputils.VersionLessThan(httputils.VersionFromContext(r.Context()), "1.42") {
		return types.MediaTypeRawStream
	}
	return types.MediaTypeMultiplexedStream
}

func (c *containerRoutes) logs(w http.ResponseWriter, r *http.Request) error {
	opts, err := parseLogsOptions(r)
	if err != nil {
		return err
	}
	ctx, cancel := streamContext(r)
	defer cancel()
	msgs, tty, err := c.b.Logs(ctx, r.PathValue("id"), opts)
	if err != nil {
		return err
	}
	// The backend accepted: from here errors can only travel in the body.
	w.Header().Set("Content-Type", outputContentType(r, tty))
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	flush := func() { _ = rc.Flush() }

	out := newLogWriter(w, !tty, flush)
	for msg := range msgs {
		if ctx.Err() != nil {
			continue // nobody to write to: drain until the backend closes msgs
		}
		if err := out.write(msg, opts); err != nil {
			cancel() // the client is gone; the backend closes msgs on ctx
		}
	}
	return nil
}

// logWriter writes log messages to a response, multiplexed or raw.
type logWriter struct {
	stdout, stderr, syserr io.Writer
	flush                  func()
}

func newLogWriter(w io.Writer, mux bool, flush func()) *logWriter {
	if !mux {
		fw := flushWriter{w: w, flush: flush}
		return &logWriter{stdout: fw, stderr: fw, syserr: fw}
	}
	m := newStdMux(w, flush)
	return &logWriter{stdout: m.stream(stdcopy.Stdout), stderr: m.stream(stdcopy.Stderr), syserr: m.stream(stdcopy.Systemerr)}
}

// write sends one message: a read error on the system-error stream (the
// client shows it and stops), a line on its stream when that was asked
// for, prefixed with its time when timestamps were.
func (l *logWriter) write(msg LogMessage, opts LogsOptions) error {
	if msg.Err != nil {
		_, err := fmt.Fprintf(l.syserr, "Error grabbing logs: %v\n", msg.Err)
		return err
	}
	var dst io.Writer
	switch {
	case msg.Stream == "stdout" && opts.Stdout:
		dst = l.stdout
	case msg.Stream == "stderr" && opts.Stderr:
		dst = l.stderr
	default:
		return nil
	}
	line := msg.Line
	if opts.Timestamps {
		ts := msg.Time.UTC().Format(rfc3339NanoFixed)
		line = make([]byte, 0, len(ts)+1+len(msg.Line))
		line = append(append(append(line, ts...), ' '), msg.Line...)
	}
	_, err := dst.Write(line)
	return err
}

// flushWriter flushes after every write so each message reaches the
// client as it happens.
type flushWriter struct {
	w     io.Writer
	flush func()
}

func (f flushWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err == nil {
		f.flush()
	}
	return n, err
}
