package server

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"

	"github.com/rs/zerolog"
	"golang.org/x/net/websocket"

	"github.com/skiff-engine/skiff/api/httputils"
)

// attachWS serves GET /containers/{id}/attach/ws as dockerd does: the
// container's output raw (never multiplexed, even without a tty) in
// websocket frames, binary from API 1.28 and text before, and the frames
// the client sends as stdin. Before API 1.42 the stdin, stdout and stderr
// parameters are ignored (all three are on).
func (c *containerRoutes) attachWS(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	version := httputils.VersionFromContext(r.Context())
	ctx, cancel := streamContext(r)
	defer cancel()

	cfg := &AttachConfig{
		Stream:     formBool(q, "stream"),
		Logs:       formBool(q, "logs"),
		Stdin:      true,
		Stdout:     true,
		Stderr:     true,
		DetachKeys: q.Get("detachKeys"),
	}
	if version == "" || !httputils.VersionLessThan(version, "1.42") {
		cfg.Stdin, cfg.Stdout, cfg.Stderr = formBool(q, "stdin"), formBool(q, "stdout"), formBool(q, "stderr")
	}
	var (
		ws        *websocket.Conn
		served    chan struct{} // closed when the websocket server is done with the connection
		stopWatch = func() {}
	)
	release := make(chan struct{}) // ends the websocket handler, which closes the connection
	cfg.GetStreams = func(bool) (io.ReadCloser, io.Writer, io.Writer, error) {
		if served != nil {
			return nil, nil, nil, errors.New("attach streams were already taken")
		}
		got := make(chan *websocket.Conn, 1)
		served = make(chan struct{})
		hw := &hijackRecorder{ResponseWriter: w}
		srv := websocket.Server{Handler: func(conn *websocket.Conn) {
			got <- conn
			<-release
		}}
		go func() {
			defer close(served)
			srv.ServeHTTP(hw, r)
		}()
		select {
		case ws = <-got:
		case <-served: // the handshake failed; the server answered it
			return nil, nil, nil, errors.New("websocket handshake failed")
		}
		if version == "" || !httputils.VersionLessThan(version, "1.28") {
			ws.PayloadType = websocket.BinaryFrame
		}
		stopWatch = watchHangup(hw.conn, cancel)
		var stdin io.ReadCloser
		if cfg.Stdin {
			// Closing stdin must not close the socket: output may go on.
			stdin = io.NopCloser(ws)
		}
		return stdin, ws, ws, nil
	}

	err := c.b.Attach(ctx, r.PathValue("id"), cfg)
	if served == nil {
		return err // not upgraded: the server answers with err's status
	}
	stopWatch()
	close(release)
	<-served
	if err != nil && ws != nil && ctx.Err() == nil {
		zerolog.Ctx(r.Context()).Debug().Err(err).Msg("websocket attach ended")
	}
	return nil
}

// hijackRecorder keeps the connection the websocket server hijacks, so
// attach can watch it for the client hanging up.
type hijackRecorder struct {
	http.ResponseWriter
	conn net.Conn
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	h.conn = c
	return c, rw, err
}
