package shimapi

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/containerd/errdefs"
)

// Control operations.
const (
	OpWait   = "wait"
	OpStart  = "start"
	OpKill   = "kill"
	OpAttach = "attach"
	OpResize = "resize"
	OpDelete = "delete"
)

// MaxLine bounds a request or response line, so a confused peer cannot
// make the other side buffer without end.
const MaxLine = 64 * 1024

// Request is the one line an engine sends on a control connection.
type Request struct {
	Op     string `json:"op"`
	Signal int    `json:"signal,omitempty"`
	All    bool   `json:"all,omitempty"`
	Stdin  bool   `json:"stdin,omitempty"`
	Stdout bool   `json:"stdout,omitempty"`
	Stderr bool   `json:"stderr,omitempty"`
	Width  uint16 `json:"width,omitempty"`
	Height uint16 `json:"height,omitempty"`
}

// Response answers a Request. Error and Kind carry a failure; ExitCode is
// set when starting the process failed with a Docker exit code.
type Response struct {
	Error    string      `json:"error,omitempty"`
	Kind     string      `json:"kind,omitempty"`
	ExitCode int         `json:"exitCode,omitempty"`
	Pid      int         `json:"pid,omitempty"`
	Exit     *ExitStatus `json:"exit,omitempty"`
}

// WriteLine writes v as one JSON line.
func WriteLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadLine reads one JSON line into v.
func ReadLine(r *bufio.Reader, v any) error {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxLine {
			return fmt.Errorf("shim protocol: line longer than %d bytes", MaxLine)
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == io.EOF && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	if err := json.Unmarshal(line, v); err != nil {
		return fmt.Errorf("shim protocol: %w", err)
	}
	return nil
}

// error kinds on the wire, so the engine keeps errdefs classes.
var kinds = []struct {
	name string
	is   func(error) bool
	err  error
}{
	{"notfound", errdefs.IsNotFound, errdefs.ErrNotFound},
	{"conflict", errdefs.IsConflict, errdefs.ErrConflict},
	{"invalid", errdefs.IsInvalidArgument, errdefs.ErrInvalidArgument},
	{"notimplemented", errdefs.IsNotImplemented, errdefs.ErrNotImplemented},
	{"precondition", errdefs.IsFailedPrecondition, errdefs.ErrFailedPrecondition},
	{"unavailable", errdefs.IsUnavailable, errdefs.ErrUnavailable},
}

// ErrorResponse turns err into a Response that keeps its errdefs kind.
func ErrorResponse(err error) Response {
	r := Response{Error: err.Error()}
	for _, k := range kinds {
		if k.is(err) {
			r.Kind = k.name
			break
		}
	}
	return r
}

// Err returns the failure r carries, as an errdefs kind, or nil.
func (r Response) Err() error {
	if r.Error == "" {
		return nil
	}
	for _, k := range kinds {
		if k.name == r.Kind {
			return fmt.Errorf("%s: %w", r.Error, k.err)
		}
	}
	return errors.New(r.Error)
}
