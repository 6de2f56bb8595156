package cli

import (
	"bytes"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"
)

// echoServer listens on a unix socket; each connection gets handle.
func echoServer(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	sock := filepath.Join(shortTempDir(t), "echo.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return sock
}

// replyAfterEOF answers only once the client half-closed: without a
// CloseWrite, the bridge would hang.
func replyAfterEOF(c net.Conn) {
	data, _ := io.ReadAll(c)
	_, _ = c.Write(append([]byte("echo:"), data...))
}

func TestBridgeStdioHalfClose(t *testing.T) {
	sock := echoServer(t, replyAfterEOF)
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- bridgeStdio(conn, bytes.NewReader([]byte("hello")), &out) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("bridge did not finish: stdin EOF was not passed on as a half-close")
	}
	if out.String() != "echo:hello" {
		t.Errorf("got %q", out.String())
	}
}

func TestBridgeStdioServerClosesFirst(t *testing.T) {
	sock := echoServer(t, func(c net.Conn) { _, _ = c.Write([]byte("bye")) })
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	stdin, stdinW := io.Pipe() // a terminal that never ends
	t.Cleanup(func() { stdinW.Close() })
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- bridgeStdio(conn, stdin, &out) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("bridge did not return when the daemon closed the connection")
	}
	if out.String() != "bye" {
		t.Errorf("got %q", out.String())
	}
}

func TestDialStdioCommand(t *testing.T) {
	sock := echoServer(t, replyAfterEOF)
	r := runCLI(t, nil, "GET /_ping HTTP/1.0\r\n\r\n", "-H", "unix://"+sock, "system", "dial-stdio")
	if r.code != 0 || r.stdout != "echo:GET /_ping HTTP/1.0\r\n\r\n" {
		t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestDialStdioNoDaemon(t *testing.T) {
	sock := filepath.Join(shortTempDir(t), "none.sock")
	r := runCLI(t, nil, "", "-H", "unix://"+sock, "system", "dial-stdio")
	if r.code != 1 || r.stderr != "Cannot connect to the skiff daemon at unix://"+sock+". Is the skiff daemon running?\n" {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}
