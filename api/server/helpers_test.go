package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/system"
	"github.com/rs/zerolog"
	"github.com/skiff-engine/skiff/api/version"
	ievents "github.com/skiff-engine/skiff/internal/events"
	"github.com/skiff-engine/skiff/internal/filters"
)

// fakeSystem is a SystemBackend over a real broker.
type fakeSystem struct {
	broker  *ievents.Broker
	infoErr error
}

func newFakeSystem() *fakeSystem { return &fakeSystem{broker: ievents.New(0)} }

func (f *fakeSystem) Version(context.Context) system.VersionResponse {
	return system.VersionResponse{Version: "0.1.0-test", APIVersion: version.APIVersion, MinAPIVersion: version.MinAPIVersion, Os: "linux", Arch: "amd64"}
}

func (f *fakeSystem) Info(context.Context) (*system.Info, error) {
	if f.infoErr != nil {
		return nil, f.infoErr
	}
	return &system.Info{ID: "fake", Name: "skiff-test", OSType: "linux"}, nil
}

func (f *fakeSystem) SubscribeEvents(_ context.Context, since, until string, ef filters.Args) ([]events.Message, <-chan events.Message, func(), error) {
	s, err := unixTime(since)
	if err != nil {
		return nil, nil, nil, err
	}
	u, err := unixTime(until)
	if err != nil {
		return nil, nil, nil, err
	}
	match, err := ievents.Filter(ef)
	if err != nil {
		return nil, nil, nil, err
	}
	past, live, cancel := f.broker.Subscribe(s, u, match)
	return past, live, cancel, nil
}

func unixTime(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	secs, frac, _ := strings.Cut(v, ".")
	sec, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad timestamp %q: %w", v, errdefs.ErrInvalidArgument)
	}
	var ns int64
	if frac != "" {
		if ns, err = strconv.ParseInt((frac + "000000000")[:9], 10, 64); err != nil {
			return time.Time{}, fmt.Errorf("bad timestamp %q: %w", v, errdefs.ErrInvalidArgument)
		}
	}
	return time.Unix(sec, ns), nil
}

func newTestServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.System == nil {
		opts.System = newFakeSystem()
	}
	opts.Logger = zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.DebugLevel)
	return New(opts)
}

// do runs one request through the handler without a network.
func do(s *Server, method, target string, body string, header http.Header) *httptest.ResponseRecorder {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// serveUnix serves s on a unix socket in a temp dir and returns its path.
func serveUnix(t *testing.T, s *Server) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "skiff.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return sock
}

func unixClient(sock string) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		},
	}}
}
