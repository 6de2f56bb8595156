package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/rs/zerolog"

	"github.com/skiff-engine/skiff/api/httputils"
)

// ExecBackend is what the exec routes need; the containers backend
// implements it. Errors are errdefs kinds with dockerd's words.
type ExecBackend interface {
	// ExecCreate sets up an exec in a running container.
	ExecCreate(ctx context.Context, idOrName string, req *container.ExecCreateRequest) (string, error)
	// ExecStart runs an exec. Detached, it returns once the process
	// runs; attached, it calls cfg.GetStreams (which hijacks the
	// connection) and copies the streams until the output ends.
	ExecStart(ctx context.Context, id string, cfg *ExecStartConfig) error
	// ExecResize sets a running exec's tty size.
	ExecResize(ctx context.Context, id string, height, width uint16) error
	// ExecInspect describes an exec, running or ended.
	ExecInspect(ctx context.Context, id string) (*container.ExecInspectResponse, error)
}

// ExecStartConfig is POST /exec/{id}/start's body and the route's hook to
// hijack the connection.
type ExecStartConfig struct {
	Detach bool
	// Tty picks the stream's framing (raw with a tty, multiplexed
	// without), as the client asked in the start request.
	Tty         bool
	ConsoleSize *[2]uint
	// GetStreams hijacks the connection once the backend has checked the
	// exec; stdin reads the client, stdout and stderr write to it.
	GetStreams func(tty bool) (stdin io.ReadCloser, stdout, stderr io.Writer, err error)
}

// registerExecRoutes replaces the exec stubs when the containers backend
// serves execs.
func (s *Server) registerExecRoutes() {
	b, ok := s.opts.Containers.(ExecBackend)
	if !ok {
		return
	}
	e := &execRoutes{b: b}
	s.Handle("POST /containers/{id}/exec", e.create)
	s.Handle("POST /exec/{id}/start", e.start)
	s.Handle("POST /exec/{id}/resize", e.resize)
	s.Handle("GET /exec/{id}/json", e.inspect)
}

type execRoutes struct {
	b ExecBackend
}

// errNoExecCommand is dockerd's execCommandError.
var errNoExecCommand = httputils.InvalidParameter(errors.New("No exec command specified"))

func (e *execRoutes) create(w http.ResponseWriter, r *http.Request) error {
	var req container.ExecCreateRequest
	if err := httputils.ReadJSON(r, &req); err != nil {
		return err
	}
	if len(req.Cmd) == 0 {
		return errNoExecCommand
	}
	if httputils.VersionLessThan(httputils.VersionFromContext(r.Context()), "1.42") {
		req.ConsoleSize = nil
	}
	id, err := e.b.ExecCreate(r.Context(), r.PathValue("id"), &req)
	if err != nil {
		return err
	}
	return httputils.WriteJSON(w, http.StatusCreated, container.ExecCreateResponse{ID: id})
}

func (e *execRoutes) start(w http.ResponseWriter, r *http.Request) error {
	var req container.ExecStartRequest
	if err := httputils.ReadJSON(r, &req); err != nil {
		return err
	}
	if req.ConsoleSize != nil && (!req.Tty || httputils.VersionLessThan(httputils.VersionFromContext(r.Context()), "1.42")) {
		req.ConsoleSize = nil
	}
	ctx, cancel := streamContext(r)
	defer cancel()

	var conn net.Conn
	var stopWatch func()
	var out io.Writer
	cfg := &ExecStartConfig{Detach: req.Detach, Tty: req.Tty, ConsoleSize: req.ConsoleSize}
	cfg.GetStreams = func(tty bool) (io.ReadCloser, io.Writer, io.Writer, error) {
		if conn != nil {
			return nil, nil, nil, errors.New("exec streams were already taken")
		}
		hc, in, err := hijackStream(w, r, outputContentType(r, tty))
		if err != nil {
			return nil, nil, nil, err
		}
		conn = hc
		stopWatch = watchHangup(hc, cancel)
		stdin := stdinReader{Reader: in, conn: hc}
		if tty {
			out = hc
			return stdin, hc, hc, nil
		}
		mux := newStdMux(hc, nil)
		out = mux.stream(stdcopy.Stdout)
		return stdin, out, mux.stream(stdcopy.Stderr), nil
	}
	err := e.b.ExecStart(ctx, r.PathValue("id"), cfg)
	if conn == nil {
		if err != nil {
			return err
		}
		w.WriteHeader(http.StatusOK)
		return nil
	}
	if err != nil {
		// Hijacked already: dockerd tells the client in the stream,
		// and the CLI takes the exit code from the exec's inspect.
		fmt.Fprintf(out, "%v\r\n", err)
		zerolog.Ctx(r.Context()).Debug().Err(err).Msg("exec start failed")
	}
	stopWatch()
	closeStream(conn)
	return nil
}

func (e *execRoutes) resize(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	h, err := uint32Value(q.Get("h"))
	if err != nil {
		return httputils.InvalidParameter(fmt.Errorf("invalid resize height %q: %w", q.Get("h"), err))
	}
	wd, err := uint32Value(q.Get("w"))
	if err != nil {
		return httputils.InvalidParameter(fmt.Errorf("invalid resize width %q: %w", q.Get("w"), err))
	}
	if err := e.b.ExecResize(r.Context(), r.PathValue("id"), uint16(min(h, math.MaxUint16)), uint16(min(wd, math.MaxUint16))); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// uint32Value parses a size parameter; empty is 0, as dockerd's.
func uint32Value(s string) (uint32, error) {
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseUint(s, 10, 32)
	return uint32(v), err
}

func (e *execRoutes) inspect(w http.ResponseWriter, r *http.Request) error {
	resp, err := e.b.ExecInspect(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httputils.WriteJSON(w, http.StatusOK, resp)
}
