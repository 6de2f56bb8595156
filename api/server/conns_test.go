package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestHugeHeaderIs431(t *testing.T) {
	s := newTestServer(t, Options{})
	sock := serveUnix(t, s)
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go func() {
		fmt.Fprintf(c, "GET /_ping HTTP/1.1\r\nHost: skiff\r\nX-Big: %s\r\n\r\n", strings.Repeat("a", 2<<20))
	}()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("status = %d, want 431", resp.StatusCode)
	}
	// A header under the limit is fine.
	resp2, err := unixClient(sock).Do(func() *http.Request {
		r, _ := http.NewRequest("GET", "http://skiff/_ping", nil)
		r.Header.Set("X-Big", strings.Repeat("a", 64<<10))
		return r
	}())
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != 200 {
		t.Fatalf("64 KiB header: status %d", resp2.StatusCode)
	}
}

func TestShutdownWaitsForInFlight(t *testing.T) {
	s := newTestServer(t, Options{})
	entered, release := make(chan struct{}), make(chan struct{})
	s.Handle("POST /containers/{id}/wait", func(w http.ResponseWriter, r *http.Request) error {
		close(entered)
		<-release
		_, err := io.WriteString(w, `{"StatusCode":0}`)
		return err
	})
	sock := serveUnix(t, s)
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := unixClient(sock).Post("http://skiff/containers/x/wait", "", nil)
		if err != nil {
			got <- result{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- result{string(b), err}
	}()
	<-entered

	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) while a request was in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	// New connections are refused once Shutdown started.
	if c, err := net.Dial("unix", sock); err == nil {
		c.Close()
		t.Fatal("listener still accepting after Shutdown")
	}
	close(release)
	if r := <-got; r.err != nil || r.body != `{"StatusCode":0}` {
		t.Fatalf("in-flight request: %q, %v", r.body, r.err)
	}
	select {
	case err := <-shut:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown did not return after the request finished")
	}
}

func TestShutdownEndsEventStreams(t *testing.T) {
	s := newTestServer(t, Options{})
	sock := serveUnix(t, s)
	resp, err := unixClient(sock).Get("http://skiff/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with an open event stream: %v", err)
	}
}

func TestConnectionTrackingAndIdle(t *testing.T) {
	var idleCalls atomic.Int32
	s := newTestServer(t, Options{OnIdle: func() { idleCalls.Add(1) }})
	created := time.Now()
	if since, idle := s.IdleSince(); !idle || since.After(created) {
		t.Fatalf("new server: IdleSince = %v, %v", since, idle)
	}
	sock := serveUnix(t, s)

	c1, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "2 connections", func() bool { return s.ActiveConnections() == 2 })
	if _, idle := s.IdleSince(); idle {
		t.Fatal("idle with open connections")
	}
	// A keep-alive connection that finished its request is still open.
	fmt.Fprint(c1, "GET /_ping HTTP/1.1\r\nHost: skiff\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c1), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if s.ActiveConnections() != 2 {
		t.Fatalf("after a request: %d connections", s.ActiveConnections())
	}
	c1.Close()
	waitFor(t, "1 connection", func() bool { return s.ActiveConnections() == 1 })
	if idleCalls.Load() != 0 {
		t.Fatal("OnIdle called with a connection open")
	}
	before := time.Now()
	c2.Close()
	waitFor(t, "idle", func() bool { return s.ActiveConnections() == 0 })
	waitFor(t, "OnIdle", func() bool { return idleCalls.Load() == 1 })
	if since, idle := s.IdleSince(); !idle || since.Before(before) {
		t.Fatalf("IdleSince = %v, %v; want after %v", since, idle, before)
	}
}

func TestHijackedConnectionCountsUntilClosed(t *testing.T) {
	s := newTestServer(t, Options{})
	hijacked := make(chan net.Conn, 1)
	s.Handle("POST /containers/{id}/attach", func(w http.ResponseWriter, r *http.Request) error {
		c, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return err
		}
		fmt.Fprint(c, "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
		hijacked <- c
		return nil
	})
	sock := serveUnix(t, s)
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprint(c, "POST /v1.52/containers/x/attach?stream=1 HTTP/1.1\r\nHost: skiff\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 101 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	server := <-hijacked
	time.Sleep(50 * time.Millisecond)
	if n := s.ActiveConnections(); n != 1 {
		t.Fatalf("hijacked connection not counted: %d", n)
	}
	if _, idle := s.IdleSince(); idle {
		t.Fatal("idle while attached")
	}
	server.Close()
	waitFor(t, "hijacked connection released", func() bool { return s.ActiveConnections() == 0 })
}
