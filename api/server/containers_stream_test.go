package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
)

// TestContainerWaitHeadersFirst proves the client gets the 200 headers
// while the container still runs, then the result when it exits.
func TestContainerWaitHeadersFirst(t *testing.T) {
	s, f := newContainerServer(t)
	result := make(chan container.WaitResponse, 1)
	f.waitFn = func(context.Context, container.WaitCondition) (<-chan container.WaitResponse, error) {
		return result, nil
	}
	sock := serveUnix(t, s)
	resp, err := unixClient(sock).Post("http://d/v1.52/containers/c1/wait?condition=next-exit", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	// Do returned: the headers came before any result existed.
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	result <- container.WaitResponse{StatusCode: 137, Error: &container.WaitExitError{Message: "boom"}}
	body, _ := io.ReadAll(resp.Body)
	if got := strings.TrimSpace(string(body)); got != `{"StatusCode":137,"Error":{"Message":"boom"}}` {
		t.Fatalf("body %s", got)
	}

	result <- container.WaitResponse{StatusCode: 0}
	rec := do(s, "POST", "/containers/c1/wait", "", nil)
	if got := strings.TrimSpace(rec.Body.String()); got != `{"StatusCode":0,"Error":null}` {
		t.Fatalf("body %s", got)
	}
}

// TestContainerWaitClientGone checks that a client hanging up ends the
// backend's wait (its context is cancelled).
func TestContainerWaitClientGone(t *testing.T) {
	s, f := newContainerServer(t)
	cancelled := make(chan struct{})
	f.waitFn = func(ctx context.Context, _ container.WaitCondition) (<-chan container.WaitResponse, error) {
		go func() { <-ctx.Done(); close(cancelled) }()
		return make(chan container.WaitResponse), nil
	}
	sock := serveUnix(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://d/containers/c1/wait", nil)
	resp, err := unixClient(sock).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	resp.Body.Close()
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("backend wait not cancelled after the client left")
	}
}

func logMessages(msgs ...LogMessage) func(context.Context, LogsOptions) (<-chan LogMessage, bool, error) {
	return func(context.Context, LogsOptions) (<-chan LogMessage, bool, error) {
		ch := make(chan LogMessage, len(msgs))
		for _, m := range msgs {
			ch <- m
		}
		close(ch)
		return ch, false, nil
	}
}

func TestContainerLogsMultiplexed(t *testing.T) {
	s, f := newContainerServer(t)
	at := time.Date(2024, 5, 6, 7, 8, 9, 120000000, time.FixedZone("X", 3600))
	f.logsFn = logMessages(
		LogMessage{Stream: "stdout", Line: []byte("out 1\n"), Time: at},
		LogMessage{Stream: "stderr", Line: []byte("err 1\n"), Time: at.Add(time.Second)},
		LogMessage{Stream: "stdout", Line: []byte("out 2\n"), Time: at.Add(2 * time.Second)},
	)
	rec := do(s, "GET", "/v1.52/containers/c1/logs?stdout=1&stderr=1&timestamps=1&tail=2&since=1700000000.5&until=2024-01-02T03:04:05Z&follow=true", "", nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/vnd.docker.multiplexed-stream" {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	var out, errOut bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &errOut, rec.Body); err != nil {
		t.Fatal(err)
	}
	if want := "2024-05-06T06:08:09.120000000Z out 1\n2024-05-06T06:08:11.120000000Z out 2\n"; out.String() != want {
		t.Fatalf("stdout %q, want %q", out.String(), want)
	}
	if want := "2024-05-06T06:08:10.120000000Z err 1\n"; errOut.String() != want {
		t.Fatalf("stderr %q", errOut.String())
	}
	o := f.logsOpts
	if !o.Follow || o.Tail != 2 || !o.Since.Equal(time.Unix(1700000000, 5e8)) || !o.Until.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("opts %+v", o)
	}
}

func TestContainerLogsStreamsAndErrors(t *testing.T) {
	s, f := newContainerServer(t)
	f.logsFn = logMessages(
		LogMessage{Stream: "stdout", Line: []byte("out\n")},
		LogMessage{Stream: "stderr", Line: []byte("err\n")},
		LogMessage{Err: errors.New("disk on fire")},
	)
	// Old API: raw-stream content type, but still multiplexed (no tty).
	rec := do(s, "GET", "/v1.41/containers/c1/logs?stderr=1&tail=all", "", nil)
	if rec.Header().Get("Content-Type") != "application/vnd.docker.raw-stream" {
		t.Fatalf("%v", rec.Header())
	}
	var out, errOut bytes.Buffer
	_, err := stdcopy.StdCopy(&out, &errOut, rec.Body)
	if err == nil || !strings.Contains(err.Error(), "Error grabbing logs: disk on fire") {
		t.Fatalf("StdCopy err = %v", err)
	}
	if out.Len() != 0 || errOut.String() != "err\n" || f.logsOpts.Tail != -1 {
		t.Fatalf("stdout %q stderr %q tail %d", out.String(), errOut.String(), f.logsOpts.Tail)
	}

	// A tty container's log is raw.
	f.logsFn = func(context.Context, LogsOptions) (<-chan LogMessage, bool, error) {
		ch := make(chan LogMessage, 1)
		ch <- LogMessage{Stream: "stdout", Line: []byte("tty line\r\n")}
		close(ch)
		return ch, true, nil
	}
	rec = do(s, "GET", "/containers/c1/logs?stdout=1", "", nil)
	if rec.Header().Get("Content-Type") != "application/vnd.docker.raw-stream" || rec.Body.String() != "tty line\r\n" {
		t.Fatalf("%v %q", rec.Header(), rec.Body)
	}

	// A missing container is a 404 with no stream started.
	if rec := do(s, "GET", "/containers/zz/logs?stdout=1", "", nil); rec.Code != http.StatusNotFound {
		t.Fatalf("status %d", rec.Code)
	}
}

func TestContainerArchive(t *testing.T) {
	s, f := newContainerServer(t)
	mtime := time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)
	f.pathStat = container.PathStat{Name: "hosts", Size: 174, Mode: 0o644, Mtime: mtime, LinkTarget: "/x"}

	decode := func(h http.Header) container.PathStat {
		t.Helper()
		raw, err := base64.StdEncoding.DecodeString(h.Get("X-Docker-Container-Path-Stat"))
		if err != nil {
			t.Fatal(err)
		}
		var st container.PathStat
		if err := json.Unmarshal(raw, &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	rec := do(s, "HEAD", "/containers/c1/archive?path=/etc/hosts", "", nil)
	if st := decode(rec.Header()); rec.Code != 200 || st.Name != "hosts" || st.Size != 174 || st.Mode != 0o644 || !st.Mtime.Equal(mtime) || st.LinkTarget != "/x" {
		t.Fatalf("%d %+v", rec.Code, st)
	}
	rec = do(s, "GET", "/containers/c1/archive?path=/etc/hosts", "", nil)
	if st := decode(rec.Header()); st.Name != "hosts" || rec.Header().Get("Content-Type") != "application/x-tar" || rec.Body.String() != "TARDATA" {
		t.Fatalf("%v %q", rec.Header(), rec.Body)
	}
	if rec := do(s, "HEAD", "/containers/zz/archive?path=/", "", nil); rec.Code != http.StatusNotFound {
		t.Fatalf("missing container: %d", rec.Code)
	}

	rec = do(s, "PUT", "/containers/c1/archive?path=/tmp&noOverwriteDirNonDir=true&copyUIDGID=1", "UPLOAD", nil)
	if rec.Code != http.StatusOK || f.extracted != "UPLOAD" || f.extract.AllowOverwriteDirWithFile || !f.extract.CopyUIDGID || f.last() != "extract c1 path=/tmp" {
		t.Fatalf("%d %+v %q", rec.Code, f.extract, f.extracted)
	}
	do(s, "PUT", "/containers/c1/archive?path=/tmp", "UPLOAD", nil)
	if !f.extract.AllowOverwriteDirWithFile || f.extract.CopyUIDGID {
		t.Fatalf("%+v", f.extract)
	}

	rec = do(s, "GET", "/containers/c1/export", "", nil)
	if rec.Header().Get("Content-Type") != "application/x-tar" || rec.Body.String() != "TAR" {
		t.Fatalf("%v %q", rec.Header(), rec.Body)
	}
}

func TestContainerStats(t *testing.T) {
	s, f := newContainerServer(t)
	f.statsFn = func(_ context.Context, opts StatsOptions, emit func(*container.StatsResponse) error) error {
		n := 1
		if opts.Stream {
			n = 3
		}
		for i := range n {
			if err := emit(&container.StatsResponse{ID: "c1", Name: "/web", NumProcs: uint32(i)}); err != nil {
				return err
			}
		}
		return nil
	}
	rec := do(s, "GET", "/containers/c1/stats", "", nil)
	dec := json.NewDecoder(rec.Body)
	count := 0
	for {
		var st container.StatsResponse
		if err := dec.Decode(&st); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if st.ID != "c1" || st.NumProcs != uint32(count) {
			t.Fatalf("sample %d: %+v", count, st)
		}
		count++
	}
	if count != 3 || f.last() != "stats c1 stream=true oneshot=false" {
		t.Fatalf("%d samples, call %s", count, f.last())
	}
	rec = do(s, "GET", "/containers/c1/stats?stream=false&one-shot=1", "", nil)
	if rec.Header().Get("Content-Type") != "application/json" || strings.Count(rec.Body.String(), "\n") != 1 || f.last() != "stats c1 stream=false oneshot=true" {
		t.Fatalf("%v %q %s", rec.Header(), rec.Body, f.last())
	}
	if rec := do(s, "GET", "/v1.40/containers/c1/stats?stream=0&one-shot=1", "", nil); rec.Code != 200 || f.last() != "stats c1 stream=false oneshot=false" {
		t.Fatalf("1.40: %d %s", rec.Code, f.last())
	}
	if rec := do(s, "GET", "/containers/zz/stats", "", nil); rec.Code != http.StatusNotFound {
		t.Fatalf("missing container: %d", rec.Code)
	}
}

// rawAttach sends an attach request on a fresh connection (with early
// stdin after it) and returns the connection and the parsed response.
func rawAttach(t *testing.T, sock, target string, upgrade bool, early string) (*net.UnixConn, *bufio.Reader, *http.Response) {
	t.Helper()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	req := "POST " + target + " HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n"
	if upgrade {
		req += "Connection: Upgrade\r\nUpgrade: tcp\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"+early); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.(*net.UnixConn), br, resp
}

// echoAttach reads stdin to EOF, then answers on stdout and stderr: the
// output after stdin's EOF proves a half-close keeps the output open.
func echoAttach(t *testing.T, f *fakeContainers, tty bool) {
	f.attachFn = func(ctx context.Context, cfg *AttachConfig) error {
		stdin, stdout, stderr, err := cfg.GetStreams(tty)
		if err != nil {
			return err
		}
		if stdin == nil {
			t.Error("no stdin though stdin=1")
			return nil
		}
		in, err := io.ReadAll(stdin)
		if err != nil {
			return err
		}
		stdin.Close()
		if _, err := io.WriteString(stdout, "got "+string(in)); err != nil {
			return err
		}
		_, err = io.WriteString(stderr, "to stderr")
		return err
	}
}

func TestContainerAttachUpgrade(t *testing.T) {
	s, f := newContainerServer(t)
	echoAttach(t, f, false)
	sock := serveUnix(t, s)
	c, br, resp := rawAttach(t, sock, "/v1.52/containers/c1/attach?stream=1&stdin=1&stdout=1&stderr=1&detachKeys=ctrl-x", true, "early ")
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Content-Type") != "application/vnd.docker.multiplexed-stream" ||
		resp.Header.Get("Upgrade") != "tcp" || resp.Header.Get("Connection") != "Upgrade" {
		t.Fatalf("%s %v", resp.Status, resp.Header)
	}
	if _, err := io.WriteString(c, "late"); err != nil {
		t.Fatal(err)
	}
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &errOut, br); err != nil {
		t.Fatal(err)
	}
	if out.String() != "got early late" || errOut.String() != "to stderr" {
		t.Fatalf("stdout %q stderr %q", out.String(), errOut.String())
	}
	if got := f.last(); got != "attach c1 stream=true logs=false stdin=true stdout=true stderr=true keys=ctrl-x" {
		t.Fatal(got)
	}
	waitIdle(t, s)
}

func TestContainerAttachPlain200TTY(t *testing.T) {
	s, f := newContainerServer(t)
	echoAttach(t, f, true)
	sock := serveUnix(t, s)
	c, br, resp := rawAttach(t, sock, "/containers/c1/attach?stream=1&stdin=1&stdout=1", false, "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.docker.raw-stream" {
		t.Fatalf("%s %v", resp.Status, resp.Header)
	}
	io.WriteString(c, "abc")
	c.CloseWrite()
	rest, err := io.ReadAll(br)
	if err != nil {
		t.Fatal(err)
	}
	if string(rest) != "got abcto stderr" {
		t.Fatalf("raw output %q", rest)
	}
	waitIdle(t, s)
}

// TestContainerAttachPlain200Multiplexed checks that without an upgrade
// dockerd's label is raw-stream even when the output is multiplexed.
func TestContainerAttachPlain200Multiplexed(t *testing.T) {
	s, f := newContainerServer(t)
	echoAttach(t, f, false)
	sock := serveUnix(t, s)
	c, br, resp := rawAttach(t, sock, "/v1.52/containers/c1/attach?stream=1&stdin=1&stdout=1&stderr=1", false, "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.docker.raw-stream" {
		t.Fatalf("%s %v", resp.Status, resp.Header)
	}
	io.WriteString(c, "abc")
	c.CloseWrite()
	var out, errOut bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &errOut, br); err != nil {
		t.Fatal(err)
	}
	if out.String() != "got abc" || errOut.String() != "to stderr" {
		t.Fatalf("stdout %q stderr %q", out.String(), errOut.String())
	}
	waitIdle(t, s)
}

// TestContainerAttachHangup checks that a client closing the connection
// ends an attach with no stdin and no output, and that the connection
// then stops counting as open.
func TestContainerAttachHangup(t *testing.T) {
	s, f := newContainerServer(t)
	ended := make(chan struct{})
	f.attachFn = func(ctx context.Context, cfg *AttachConfig) error {
		defer close(ended)
		if _, _, _, err := cfg.GetStreams(false); err != nil {
			return err
		}
		<-ctx.Done()
		return ctx.Err()
	}
	sock := serveUnix(t, s)
	c, _, resp := rawAttach(t, sock, "/containers/c1/attach?stream=1&stdout=1", true, "")
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatal(resp.Status)
	}
	if n := s.ActiveConnections(); n != 1 {
		t.Fatalf("%d open connections during attach", n)
	}
	c.Close()
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("attach did not end after the client hung up")
	}
	waitIdle(t, s)
}

func TestContainerAttachNotFound(t *testing.T) {
	s, _ := newContainerServer(t)
	sock := serveUnix(t, s)
	_, _, resp := rawAttach(t, sock, "/containers/zz/attach?stream=1&stdout=1", true, "")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "No such container: zz") {
		t.Fatalf("%s %s", resp.Status, body)
	}
}

func waitIdle(t *testing.T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for s.ActiveConnections() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still open", s.ActiveConnections())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
