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
	"github.com/rs/zerolog"

	"github.com/skiff-engine/skiff/api/httputils"
)

func (c *containerRoutes) attach(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ctx, cancel := streamContext(r)
	defer cancel()

	var conn net.Conn
	var stopWatch func()
	cfg := &AttachConfig{
		Stream:     formBool(q, "stream"),
		Logs:       formBool(q, "logs"),
		Stdin:      formBool(q, "stdin"),
		Stdout:     formBool(q, "stdout"),
		Stderr:     formBool(q, "stderr"),
		DetachKeys: q.Get("detachKeys"),
	}
	cfg.GetStreams = func(tty bool) (io.ReadCloser, io.Writer, io.Writer, error) {
		if conn != nil {
			return nil, nil, nil, errors.New("attach streams were already taken")
		}
		hc, in, err := hijackStream(w, r, outputContentType(r, tty))
		if err != nil {
			return nil, nil, nil, err
		}
		conn = hc
		stopWatch = watchHangup(hc, cancel)
		var stdin io.ReadCloser
		if cfg.Stdin {
			stdin = stdinReader{Reader: in, conn: hc}
		}
		if tty {
			return stdin, hc, hc, nil
		}
		mux := newStdMux(hc, nil)
		return stdin, mux.stream(stdcopy.Stdout), mux.stream(stdcopy.Stderr), nil
	}

	err := c.b.Attach(ctx, r.PathValue("id"), cfg)
	if conn == nil {
		return err // not hijacked: the server answers with err's status
	}
	stopWatch()
	closeStream(conn) // also what counts the connection closed for idling
	if err != nil && ctx.Err() == nil {
		zerolog.Ctx(r.Context()).Debug().Err(err).Msg("attach ended")
	}
	return nil
}

// ResizeBackend is what POST /containers/{id}/resize needs; the containers
// backend implements it.
type ResizeBackend interface {
	// Resize sets a running container's tty size; Conflict when it is
	// not running.
	Resize(ctx context.Context, idOrName string, height, width uint16) error
}

func (c *containerRoutes) resize(w http.ResponseWriter, r *http.Request) error {
	rb, ok := c.b.(ResizeBackend)
	if !ok {
		return httputils.NotImplemented(errors.New("resizing a container's tty is not supported"))
	}
	q := r.URL.Query()
	h, err := strconv.Atoi(q.Get("h"))
	if err != nil {
		return httputils.InvalidParameter(err)
	}
	wd, err := strconv.Atoi(q.Get("w"))
	if err != nil {
		return httputils.InvalidParameter(err)
	}
	if h < 0 || wd < 0 || h > math.MaxUint16 || wd > math.MaxUint16 {
		return httputils.InvalidParameter(fmt.Errorf("invalid tty size %dx%d", h, wd))
	}
	if err := rb.Resize(r.Context(), r.PathValue("id"), uint16(h), uint16(wd)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
