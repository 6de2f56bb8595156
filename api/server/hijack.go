package server

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/moby/moby/api/types"
)

// hijackStream takes over r's connection for a raw bidirectional stream
// (attach): it answers "101 UPGRADED" with contentType when the client
// asked to upgrade to tcp, as the docker CLI and moby client do, else
// "200 OK" labelled raw-stream whatever the framing, as dockerd does. It
// returns the connection with a reader that first yields the bytes the
// HTTP server had already buffered (stdin the client sent right after its
// request).
func hijackStream(w http.ResponseWriter, r *http.Request, contentType string) (net.Conn, io.Reader, error) {
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("cannot hijack the connection: %w", err)
	}
	var early []byte
	if n := rw.Reader.Buffered(); n > 0 {
		b, _ := rw.Reader.Peek(n)
		early = bytes.Clone(b)
	}
	var head string
	if r.Header.Get("Upgrade") != "" {
		head = "HTTP/1.1 101 UPGRADED\r\nContent-Type: " + contentType + "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
	} else {
		head = "HTTP/1.1 200 OK\r\nContent-Type: " + types.MediaTypeRawStream + "\r\n\r\n"
	}
	if _, err := io.WriteString(conn, head); err != nil {
		_ = conn.Close()
		return nil, nil, err
	}
	if len(early) == 0 {
		return conn, conn, nil
	}
	return conn, io.MultiReader(bytes.NewReader(early), conn), nil
}

// closeStream ends a hijacked stream: half-close first so the output still
// in flight reaches the client before the connection goes.
func closeStream(conn net.Conn) {
	if cw, ok := conn.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	_ = conn.Close()
}

// stdinReader is the attach stdin: closing it stops reading the client
// (without closing the connection, whose output may still flow).
type stdinReader struct {
	io.Reader
	conn net.Conn
}

func (s stdinReader) Close() error {
	if cr, ok := s.conn.(interface{ CloseRead() error }); ok {
		return cr.CloseRead()
	}
	return nil
}
