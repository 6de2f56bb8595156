package integration

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/websocket"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// dialAttachWS opens GET /containers/{id}/attach/ws with a Go websocket
// client over the daemon's socket.
func dialAttachWS(t *testing.T, d *harness.Daemon, path string) *websocket.Conn {
	t.Helper()
	network, addr := "unix", d.Socket
	if d.Socket == "" {
		network, addr = "tcp", strings.TrimPrefix(d.Host, "tcp://")
	}
	raw, err := net.DialTimeout(network, addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := websocket.NewConfig("ws://localhost"+path, "http://localhost")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := websocket.NewClient(cfg, raw)
	if err != nil {
		raw.Close()
		t.Fatalf("websocket handshake for %s: %v", path, err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// frame is one websocket message and its frame type.
type frame struct {
	data []byte
	kind byte
}

// frameCodec receives a message with its frame type, which the websocket
// package's own codecs drop.
var frameCodec = websocket.Codec{Unmarshal: func(data []byte, kind byte, v any) error {
	*v.(*frame) = frame{data: data, kind: kind}
	return nil
}}

// readFrames reads frames until every want has arrived; it returns the
// output and the type of the last frame.
func readFrames(t *testing.T, ws *websocket.Conn, want ...string) (string, byte) {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	var got strings.Builder
	var kind byte
	has := func() bool {
		for _, w := range want {
			if !strings.Contains(got.String(), w) {
				return false
			}
		}
		return true
	}
	for !has() {
		var f frame
		if err := frameCodec.Receive(ws, &f); err != nil {
			t.Fatalf("reading the websocket after %q: %v", got.String(), err)
		}
		got.Write(f.data)
		kind = f.kind
	}
	return got.String(), kind
}

// TestContainerAttachWebsocket: the websocket attach carries stdin in and
// the raw output out (cat echoes), in binary frames from API 1.28 and text
// frames before, and ends when the container does.
func TestContainerAttachWebsocket(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	id := strings.TrimSpace(d.MustDocker("run", "-d", "-i", bb, "sh", "-c", "echo started; echo err >&2; cat"))
	removeContainersAtEnd(t, d, id)

	ws := dialAttachWS(t, d, "/v1.41/containers/"+id+"/attach/ws?logs=1&stream=1&stdin=1&stdout=1&stderr=1")
	// logs=1 replays what came before the attach, unmultiplexed.
	readFrames(t, ws, "started\n", "err\n")
	if _, err := ws.Write([]byte("hello over websocket\n")); err != nil {
		t.Fatal(err)
	}
	out, kind := readFrames(t, ws, "hello over websocket\n")
	if kind != websocket.BinaryFrame {
		t.Errorf("frame type %d, want binary (%d) from API 1.28", kind, websocket.BinaryFrame)
	}
	if strings.Contains(out, "\x01\x00\x00\x00") {
		t.Errorf("output %q is multiplexed; websocket attach is raw", out)
	}

	t.Run("TextFramesBefore1.28", func(t *testing.T) {
		ws := dialAttachWS(t, d, "/v1.25/containers/"+id+"/attach/ws?stream=1")
		// Before 1.42 stdin/stdout/stderr are ignored: all are on.
		if _, err := ws.Write([]byte("old client\n")); err != nil {
			t.Fatal(err)
		}
		if _, kind := readFrames(t, ws, "old client\n"); kind != websocket.TextFrame {
			t.Errorf("frame type %d, want text (%d) before API 1.28", kind, websocket.TextFrame)
		}
	})

	// The container's end closes the websocket.
	d.MustDocker("kill", id)
	ws.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.ReadAll(ws); err != nil {
		t.Errorf("websocket after the container ended: %v, want EOF", err)
	}
}
