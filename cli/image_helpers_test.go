package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"

	"github.com/moby/moby/api/types/registry"
	"golang.org/x/sys/unix"
)

// request is what the fake daemon saw of one API call.
type request struct {
	Method, Path string
	Query        url.Values
	Header       http.Header
	Body         []byte
}

// apiLog records the calls a fake daemon answered.
type apiLog struct {
	mu   sync.Mutex
	reqs []request
}

func (l *apiLog) all() []request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]request(nil), l.reqs...)
}

// last is the last call made to path (without the version prefix).
func (l *apiLog) last(t *testing.T, path string) request {
	t.Helper()
	reqs := l.all()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Path == path {
			return reqs[i]
		}
	}
	t.Fatalf("no request to %s; got %v", path, reqs)
	return request{}
}

var versionPrefix = regexp.MustCompile(`^/v[0-9.]+`)

// routes maps "METHOD /path" (the path without its /v1.xx prefix) to the
// handler answering it; anything else is a 404 in Docker's error shape.
type routes map[string]http.HandlerFunc

// apiDaemon starts a fake daemon serving routes and logging every call.
func apiDaemon(t *testing.T, r routes) (string, *apiLog) {
	t.Helper()
	log := &apiLog{}
	host := fakeDaemon(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		path := versionPrefix.ReplaceAllString(req.URL.Path, "")
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		log.mu.Lock()
		log.reqs = append(log.reqs, request{req.Method, path, req.URL.Query(), req.Header.Clone(), body})
		log.mu.Unlock()
		if h, ok := r[req.Method+" "+path]; ok {
			h(w, req)
			return
		}
		jsonHandler(http.StatusNotFound, map[string]string{"message": "page not found: " + path})(w, req)
	}))
	return host, log
}

// streamHandler answers with a JSON message stream, one object per line.
func streamHandler(msgs ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for _, m := range msgs {
			_, _ = io.WriteString(w, m+"\n")
		}
	}
}

// errorHandler answers with Docker's error shape.
func errorHandler(status int, msg string) http.HandlerFunc {
	return jsonHandler(status, map[string]string{"message": msg})
}

// decodeAuthHeader reads an X-Registry-Auth header back.
func decodeAuthHeader(t *testing.T, h string) registry.AuthConfig {
	t.Helper()
	b, err := base64.URLEncoding.DecodeString(h)
	if err != nil {
		t.Fatalf("X-Registry-Auth %q: %v", h, err)
	}
	var ac registry.AuthConfig
	if err := json.Unmarshal(b, &ac); err != nil {
		t.Fatalf("X-Registry-Auth %q: %v", b, err)
	}
	return ac
}

// writeConfig writes dir/config.json.
func writeConfig(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// openPty returns the two ends of a new pseudo-terminal; the test is
// skipped where there is none.
func openPty(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("ptsname: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pts: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}

// runWith runs the CLI in-process with the given streams.
func runWith(t *testing.T, env map[string]string, s Streams, args ...string) int {
	t.Helper()
	a := newApp(s, Build{Version: "1.2.3-test"}, Roles{}, mapEnv(env))
	a.defaultHost = func() (string, error) { return "unix:///nonexistent/skiff.sock", nil }
	a.autostart = nil
	return a.run(context.Background(), args)
}
