package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skiff-engine/skiff/api/version"
)

// result is what one CLI invocation printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the CLI in-process with env as its whole environment.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	a := newApp(Streams{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, Build{Version: "1.2.3-test", GitCommit: "abc1234"}, Roles{}, mapEnv(env))
	a.defaultHost = func() (string, error) { return "unix:///nonexistent/skiff.sock", nil }
	a.autostart = nil // never start a daemon from a unit test by accident
	code := a.run(context.Background(), args)
	return result{code, out.String(), errb.String()}
}

func mapEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// shortTempDir is a temporary directory short enough for unix socket paths
// (at most 108 bytes), which t.TempDir() may exceed.
func shortTempDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "skiff-cli")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// fakeDaemon serves handler on a unix socket and returns its unix:// URL.
// It answers /_ping itself, as a daemon speaking API 1.52 would.
func fakeDaemon(t *testing.T, handler http.Handler) string {
	t.Helper()
	sock := filepath.Join(shortTempDir(t), "d.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/_ping", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Api-Version", version.APIVersion)
		w.Header().Set("Ostype", "linux")
		_, _ = w.Write([]byte("OK"))
	})
	if handler != nil {
		mux.Handle("/", handler)
	}
	srv := httptest.NewUnstartedServer(mux)
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return "unix://" + sock
}

// jsonHandler answers every request with v as JSON.
func jsonHandler(status int, v any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
}
