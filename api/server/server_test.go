package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/skiff-engine/skiff/api/httputils"
	"github.com/skiff-engine/skiff/api/version"
)

func message(t *testing.T, body string) string {
	t.Helper()
	var m struct{ Message string }
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("body %q is not a JSON error: %v", body, err)
	}
	return m.Message
}

func TestAPIVersions(t *testing.T) {
	s := newTestServer(t, Options{})
	tests := []struct {
		name, path string
		status     int
		message    string // "" = no error
		plain      bool
	}{
		{"unversioned", "/version", 200, "", false},
		{"newest", "/v" + version.APIVersion + "/version", 200, "", false},
		{"oldest", "/v1.24/version", 200, "", false},
		{"middle", "/v1.44/version", 200, "", false},
		{"too new", "/v9.99/version", 400, "client version 9.99 is too new. Maximum supported API version is 1.52", false},
		{"too new minor", "/v1.53/_ping", 400, "client version 1.53 is too new. Maximum supported API version is 1.52", false},
		{"too old", "/v1.23/version", 400, "client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version", true},
		{"too old 1.12", "/v1.12/version", 400, "client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version", true},
		{"version checked before stub", "/v9.99/containers/json", 400, "client version 9.99 is too new. Maximum supported API version is 1.52", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(s, "GET", tc.path, "", nil)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tc.status, rec.Body)
			}
			if tc.message == "" {
				return
			}
			got := strings.TrimSpace(rec.Body.String())
			if !tc.plain {
				got = message(t, got)
			}
			if got != tc.message {
				t.Fatalf("message = %q, want %q", got, tc.message)
			}
		})
	}
}

func TestCommonHeaders(t *testing.T) {
	s := newTestServer(t, Options{EngineVersion: "0.1.0"})
	for _, path := range []string{"/_ping", "/v1.44/version", "/containers/json", "/nope"} {
		rec := do(s, "GET", path, "", nil)
		want := map[string]string{
			"Api-Version":         version.APIVersion,
			"Docker-Experimental": "false",
			"Ostype":              "linux",
			"Server":              "Docker/0.1.0 (linux)",
		}
		for k, v := range want {
			if got := rec.Header().Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got, v)
			}
		}
	}
}

func TestPing(t *testing.T) {
	s := newTestServer(t, Options{})
	for _, method := range []string{"GET", "HEAD"} {
		for _, path := range []string{"/_ping", "/v1.41/_ping"} {
			rec := do(s, method, path, "", nil)
			if rec.Code != 200 {
				t.Fatalf("%s %s: status %d", method, path, rec.Code)
			}
			h := rec.Header()
			checks := map[string]string{
				"Cache-Control":   "no-cache, no-store, must-revalidate",
				"Pragma":          "no-cache",
				"Builder-Version": "1",
				"Swarm":           "inactive",
				"Content-Type":    "text/plain; charset=utf-8",
				"Api-Version":     version.APIVersion,
			}
			for k, v := range checks {
				if h.Get(k) != v {
					t.Errorf("%s %s: %s = %q, want %q", method, path, k, h.Get(k), v)
				}
			}
			wantBody := "OK"
			if method == "HEAD" {
				wantBody = ""
				if h.Get("Content-Length") != "0" {
					t.Errorf("HEAD Content-Length = %q", h.Get("Content-Length"))
				}
			}
			if rec.Body.String() != wantBody {
				t.Errorf("%s %s: body %q", method, path, rec.Body)
			}
		}
	}
}

func TestVersionAndInfo(t *testing.T) {
	fs := newFakeSystem()
	s := newTestServer(t, Options{System: fs})
	rec := do(s, "GET", "/v1.52/version", "", nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" || !strings.Contains(rec.Body.String(), `"ApiVersion":"1.52"`) {
		t.Fatalf("version: %d %s", rec.Code, rec.Body)
	}
	rec = do(s, "GET", "/info", "", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"Name":"skiff-test"`) {
		t.Fatalf("info: %d %s", rec.Code, rec.Body)
	}
	fs.infoErr = httputils.Unavailable(errors.New("engine starting"))
	rec = do(s, "GET", "/info", "", nil)
	if rec.Code != 503 || message(t, rec.Body.String()) != "engine starting" {
		t.Fatalf("info error: %d %s", rec.Code, rec.Body)
	}
}

func TestNotImplementedStubs(t *testing.T) {
	s := newTestServer(t, Options{})
	tests := []struct{ method, path, want string }{
		{"GET", "/containers/json", "GET /containers/json"},
		{"POST", "/containers/abc/start", "POST /containers/abc/start"},
		{"GET", "/containers/abc/attach/ws", "GET /containers/abc/attach/ws"},
		{"HEAD", "/containers/abc/archive", "HEAD /containers/abc/archive"},
		{"PUT", "/containers/abc/archive", "PUT /containers/abc/archive"},
		{"DELETE", "/containers/abc", "DELETE /containers/abc"},
		{"GET", "/images/json", "GET /images/json"},
		{"GET", "/images/library/busybox:latest/json", "GET /images/library/busybox:latest/json"},
		{"GET", "/images/localhost:5000/a/b/history", "GET /images/localhost:5000/a/b/history"},
		{"DELETE", "/images/docker.io/library/alpine", "DELETE /images/docker.io/library/alpine"},
		{"POST", "/images/busybox/tag", "POST /images/busybox/tag"},
		{"GET", "/images/get", "GET /images/get"},
		{"POST", "/build", "POST /build"},
		{"GET", "/networks", "GET /networks"},
		{"GET", "/volumes/data", "GET /volumes/data"},
		{"POST", "/exec/abc/resize", "POST /exec/abc/resize"},
		{"GET", "/swarm", "GET /swarm"},
		{"GET", "/services/x/logs", "GET /services/x/logs"},
		{"GET", "/plugins/vieux/sshfs:latest/json", "GET /plugins/vieux/sshfs:latest/json"},
		{"GET", "/distribution/docker.io/library/busybox/json", "GET /distribution/docker.io/library/busybox/json"},
		{"GET", "/system/df", "GET /system/df"},
		{"POST", "/session", "POST /session"},
		{"POST", "/grpc", "POST /grpc"},
		{"POST", "/containers/create", "POST /containers/create"}, // empty body is valid
	}
	for _, tc := range tests {
		for _, prefix := range []string{"", "/v1.44", "/v" + version.APIVersion} {
			t.Run(tc.method+" "+prefix+tc.path, func(t *testing.T) {
				rec := do(s, tc.method, prefix+tc.path, "", nil)
				if rec.Code != http.StatusNotImplemented {
					t.Fatalf("status = %d, want 501; body %s", rec.Code, rec.Body)
				}
				if tc.method == "HEAD" {
					return
				}
				if got, want := message(t, rec.Body.String()), tc.want+" is not implemented by skiff"; got != want {
					t.Fatalf("message = %q, want %q", got, want)
				}
			})
		}
	}
}

func TestEveryDockerRouteAnswers(t *testing.T) {
	s := newTestServer(t, Options{})
	for _, r := range dockerRoutes {
		method, path, _ := strings.Cut(r.pattern, " ")
		path = strings.NewReplacer("{id}", "x1", "{name...}", "a/b:c", "{name}", "n1", "{checkpoint}", "c1").Replace(path)
		if method == "GET" && path == "/events" {
			continue // streams until cancelled; covered in events_test.go
		}
		rec := do(s, method, "/v1.52"+path, "", nil)
		if rec.Code == http.StatusNotFound {
			t.Errorf("%s %s: 404", method, path)
		}
	}
}

func TestNotFound(t *testing.T) {
	s := newTestServer(t, Options{})
	tests := []struct{ method, path string }{
		{"GET", "/"},
		{"GET", "/nope"},
		{"GET", "/v1.44/nope"},
		{"GET", "/containers"},
		{"GET", "/containers/json/extra"},
		{"GET", "/containers//json"},
		{"GET", "/v1.44"},
		{"GET", "/vx.y/containers/json"},
		{"PATCH", "/containers/json"}, // known path, wrong method: dockerd says 404
		{"POST", "/containers/json"},
		{"GET", "/version/"},
		{"HEAD", "/version"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := do(s, tc.method, tc.path, "", nil)
			if rec.Code != 404 {
				t.Fatalf("status = %d, want 404; body %s", rec.Code, rec.Body)
			}
			if tc.method != "HEAD" && message(t, rec.Body.String()) != "page not found" {
				t.Fatalf("body = %s", rec.Body)
			}
		})
	}
}

func TestMalformedJSONBody(t *testing.T) {
	s := newTestServer(t, Options{})
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	bodies := []struct {
		name, body string
		header     http.Header
		wantMsg    string
	}{
		{"syntax", `{"Image":`, jsonCT, "invalid JSON"},
		{"not json", `hello`, jsonCT, "invalid JSON"},
		{"trailing data", `{"Image":"busybox"} {"x":1}`, jsonCT, "unexpected content after JSON"},
		{"trailing garbage", `{"Image":"busybox"}]`, jsonCT, "unexpected content after JSON"},
		{"wrong content type", `{"Image":"busybox"}`, http.Header{"Content-Type": {"text/plain"}}, "unsupported Content-Type header (text/plain): must be 'application/json'"},
		{"malformed content type", `{}`, http.Header{"Content-Type": {"application/json; ;"}}, "malformed Content-Type header"},
	}
	routes := []string{}
	for _, r := range dockerRoutes {
		if r.body == jsonBody {
			routes = append(routes, r.pattern)
		}
	}
	if len(routes) < 20 {
		t.Fatalf("only %d JSON-body routes in the table", len(routes))
	}
	for _, pattern := range routes {
		method, path, _ := strings.Cut(pattern, " ")
		path = strings.NewReplacer("{id}", "x1", "{name...}", "a/b", "{name}", "n1").Replace(path)
		for _, b := range bodies {
			t.Run(pattern+"/"+b.name, func(t *testing.T) {
				rec := do(s, method, "/v1.51"+path, b.body, b.header)
				if rec.Code != 400 {
					t.Fatalf("status = %d, want 400; body %s", rec.Code, rec.Body)
				}
				if msg := message(t, rec.Body.String()); !strings.HasPrefix(msg, b.wantMsg) {
					t.Fatalf("message = %q, want prefix %q", msg, b.wantMsg)
				}
			})
		}
	}
	// Valid JSON still reaches the stub.
	rec := do(s, "POST", "/containers/create", `{"Image":"busybox"}`, http.Header{"Content-Type": {"application/json; charset=utf-8"}})
	if rec.Code != 501 {
		t.Fatalf("valid body: status %d", rec.Code)
	}
}

func TestHandleReplacesStub(t *testing.T) {
	s := newTestServer(t, Options{})
	s.Handle("GET /containers/{id}/json", func(w http.ResponseWriter, r *http.Request) error {
		return httputils.WriteJSON(w, 200, map[string]string{"Id": r.PathValue("id"), "Version": httputils.VersionFromContext(r.Context()), "Path": r.URL.Path})
	})
	s.Handle("GET /images/{name...}/json", func(w http.ResponseWriter, r *http.Request) error {
		return httputils.WriteJSON(w, 200, map[string]string{"Name": r.PathValue("name")})
	})
	rec := do(s, "GET", "/v1.44/containers/abc/json", "", nil)
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != `{"Id":"abc","Path":"/containers/abc/json","Version":"1.44"}` {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	rec = do(s, "GET", "/containers/abc/json", "", nil)
	if !strings.Contains(rec.Body.String(), `"Version":"`+version.APIVersion+`"`) {
		t.Fatalf("unversioned request did not get the newest version: %s", rec.Body)
	}
	rec = do(s, "GET", "/images/localhost:5000/team/app:v1/json", "", nil)
	if strings.TrimSpace(rec.Body.String()) != `{"Name":"localhost:5000/team/app:v1"}` {
		t.Fatalf("got %s", rec.Body)
	}
	// Other methods on the same path keep their stubs.
	if rec := do(s, "DELETE", "/containers/abc", "", nil); rec.Code != 501 {
		t.Fatalf("DELETE stub: %d", rec.Code)
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		err    error
		status int
	}{
		{httputils.NotFound(errors.New("No such container: x")), 404},
		{fmt.Errorf("wrapped: %w", errdefs.ErrNotFound), 404},
		{httputils.InvalidParameter(errors.New("bad")), 400},
		{errdefs.ErrInvalidArgument, 400},
		{httputils.Conflict(errors.New("name in use")), 409},
		{errdefs.ErrAlreadyExists, 409},
		{httputils.NotImplemented(errors.New("later")), 501},
		{errdefs.ErrUnauthenticated, 401},
		{errdefs.ErrPermissionDenied, 403},
		{httputils.Unavailable(errors.New("busy")), 503},
		{errdefs.ErrNotModified, 304},
		{errors.New("boom"), 500},
		{errors.New("not found"), 500}, // text never decides the status
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d %v", tc.status, tc.err), func(t *testing.T) {
			s := newTestServer(t, Options{})
			s.Handle("POST /containers/{id}/start", func(http.ResponseWriter, *http.Request) error { return tc.err })
			rec := do(s, "POST", "/v1.47/containers/x/start", "", nil)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d", rec.Code, tc.status)
			}
			if tc.status == 304 {
				if rec.Body.Len() != 0 {
					t.Fatalf("304 with a body: %s", rec.Body)
				}
				return
			}
			if rec.Header().Get("Content-Type") != "application/json" || message(t, rec.Body.String()) != tc.err.Error() {
				t.Fatalf("body = %s", rec.Body)
			}
		})
	}
}

func TestHandlerPanicIs500(t *testing.T) {
	s := newTestServer(t, Options{})
	s.Handle("GET /containers/json", func(http.ResponseWriter, *http.Request) error { panic("oops") })
	rec := do(s, "GET", "/containers/json", "", nil)
	if rec.Code != 500 || !strings.Contains(message(t, rec.Body.String()), "oops") {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}

func TestErrorAfterResponseStarted(t *testing.T) {
	s := newTestServer(t, Options{})
	s.Handle("GET /containers/{id}/logs", func(w http.ResponseWriter, _ *http.Request) error {
		w.WriteHeader(200)
		_, _ = w.Write([]byte("partial"))
		return errors.New("stream broke")
	})
	rec := do(s, "GET", "/containers/x/logs", "", nil)
	if rec.Code != 200 || rec.Body.String() != "partial" {
		t.Fatalf("got %d %q", rec.Code, rec.Body)
	}
}
