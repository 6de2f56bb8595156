package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

func newContainerServer(t *testing.T) (*Server, *fakeContainers) {
	t.Helper()
	f := &fakeContainers{}
	return newTestServer(t, Options{Containers: f}), f
}

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

// TestContainerRouteQueries checks each simple route's status and the
// arguments it hands the backend.
func TestContainerRouteQueries(t *testing.T) {
	tests := []struct {
		method, target string
		wantStatus     int
		wantCall       string
	}{
		{"POST", "/containers/c1/start", 204, "start c1"},
		{"POST", "/containers/nope/start", 404, "start nope"},
		{"POST", "/v1.44/containers/c1/stop?t=5&signal=SIGINT", 204, "stop c1 signal=SIGINT t=5"},
		{"POST", "/v1.41/containers/c1/stop?signal=SIGINT", 204, "stop c1 signal= t=nil"},
		{"POST", "/containers/c1/stop?t=-1", 204, "stop c1 signal= t=-1"},
		{"POST", "/containers/c1/restart?t=0&signal=9", 204, "restart c1 signal=9 t=0"},
		{"POST", "/containers/c1/kill?signal=HUP", 204, "kill c1 signal=HUP"},
		{"DELETE", "/containers/c1?force=1&v=true&link=0", 204, "remove c1 force=true v=true link=false"},
		{"DELETE", "/containers/c1?force=yes", 204, "remove c1 force=true v=false link=false"},
		{"POST", "/containers/c1/pause", 204, "pause c1"},
		{"POST", "/containers/c1/unpause", 204, "unpause c1"},
		{"POST", "/containers/c1/rename?name=web", 204, "rename c1 name=web"},
		{"GET", "/containers/c1/top?ps_args=aux", 200, "top c1 ps_args=aux"},
		{"GET", "/containers/c1/json?size=1", 200, "inspect c1 size=true"},
		{"GET", "/containers/nope/json", 404, "inspect nope size=false"},
		{"POST", "/containers/prune?filters=" + `{"until":{"24h":true}}`, 200, "prune until=[24h]"},
		{"GET", "/containers/c1/changes", 200, "changes c1"},
		{"GET", "/containers/c1/export", 200, "export c1"},
		{"HEAD", "/containers/c1/archive?path=/etc", 200, "stat c1 path=/etc"},
		{"GET", "/containers/c1/archive?path=/etc/hosts", 200, "archive c1 path=/etc/hosts"},
		{"POST", "/containers/c1/wait", 200, "wait c1 condition=not-running"},
		{"POST", "/containers/c1/wait?condition=next-exit", 200, "wait c1 condition=next-exit"},
		{"POST", "/containers/c1/wait?condition=removed", 200, "wait c1 condition=removed"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			s, f := newContainerServer(t)
			f.inspect = &container.InspectResponse{ID: "c1"}
			rec := do(s, tc.method, tc.target, "", nil)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.wantStatus, rec.Body)
			}
			if got := f.last(); got != tc.wantCall {
				t.Fatalf("backend call %q, want %q", got, tc.wantCall)
			}
		})
	}
}

// TestContainerBadParams checks the 400s the routes answer before any
// backend call.
func TestContainerBadParams(t *testing.T) {
	tests := []struct {
		method, target, body, want string
	}{
		{"POST", "/containers/create", `{}`, "config cannot be empty in order to create a container"},
		{"POST", "/containers/create", ``, "config cannot be empty in order to create a container"},
		{"POST", "/containers/create", `{"Image":`, "invalid JSON"},
		{"POST", "/containers/create?platform=linux/amd64/v2/x", `{"Image":"busybox"}`, "invalid platform"},
		{"POST", "/containers/c1/start", `{"Binds":["/a:/b"]}`, "starting container with non-empty request body was deprecated since API v1.22 and removed in v1.24"},
		{"POST", "/containers/c1/stop?t=soon", ``, "invalid value for t"},
		{"POST", "/containers/c1/restart?t=1.5", ``, "invalid value for t"},
		{"POST", "/containers/c1/wait?condition=exited", ``, `invalid condition: "exited"`},
		{"GET", "/containers/c1/logs", ``, "Bad parameters: you must choose at least one stream"},
		{"GET", "/containers/c1/logs?stdout=0&stderr=false", ``, "Bad parameters: you must choose at least one stream"},
		{"GET", "/containers/c1/logs?stdout=1&since=yesterday", ``, "invalid value for since"},
		{"GET", "/containers/json?limit=ten", ``, "invalid value for limit"},
		{"GET", "/containers/json?filters=notjson", ``, ""},
		{"GET", "/containers/c1/archive", ``, "bad parameter: path cannot be empty"},
		{"PUT", "/containers/c1/archive", `tar`, "bad parameter: path cannot be empty"},
		{"POST", "/containers/c1/rename", ``, "Neither old nor new names may be empty"},
		{"POST", "/containers/c1/update", `{"Memory":"lots"}`, "invalid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			s, f := newContainerServer(t)
			h := jsonHeader
			if tc.body == "" {
				h = nil
			}
			rec := do(s, tc.method, tc.target, tc.body, h)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", rec.Code, rec.Body)
			}
			var e struct{ Message string }
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(e.Message, tc.want) {
				t.Fatalf("message %q, want it to contain %q", e.Message, tc.want)
			}
			if len(f.calls) != 0 {
				t.Fatalf("backend called: %v", f.calls)
			}
		})
	}
	t.Run("HEAD archive without path", func(t *testing.T) {
		s, _ := newContainerServer(t)
		if rec := do(s, "HEAD", "/containers/c1/archive", "", nil); rec.Code != http.StatusBadRequest {
			t.Fatalf("status %d", rec.Code)
		}
	})
}

func TestContainerStartNotModified(t *testing.T) {
	s, f := newContainerServer(t)
	f.startErr = fmt.Errorf("container already started: %w", errdefs.ErrNotModified)
	rec := do(s, "POST", "/containers/c1/start", "", nil)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Fatalf("status %d body %q", rec.Code, rec.Body)
	}
	// An empty JSON object is what some old clients send: it is allowed.
	f.startErr = nil
	if rec := do(s, "POST", "/containers/c1/start", "{}", jsonHeader); rec.Code != http.StatusNoContent {
		t.Fatalf("start with {}: %d %s", rec.Code, rec.Body)
	}
}

func TestContainerKillKeepsKind(t *testing.T) {
	s, f := newContainerServer(t)
	f.killErr = fmt.Errorf("container c1 is not running: %w", errdefs.ErrConflict)
	rec := do(s, "POST", "/containers/c1/kill", "", nil)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "cannot kill container: c1: container c1 is not running") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	rec = do(s, "POST", "/containers/zz/kill", "", nil)
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "No such container: zz") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

func TestContainerCreate(t *testing.T) {
	s, f := newContainerServer(t)
	rec := do(s, "POST", "/v1.47/containers/create?name=web&platform=linux/arm64", `{"Image":"busybox","NetworkingConfig":{"EndpointsConfig":{"default":{"GwPriority":5}}}}`, jsonHeader)
	if rec.Code != http.StatusCreated {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if got := strings.TrimSpace(rec.Body.String()); got != `{"Id":"c1","Warnings":[]}` {
		t.Fatalf("body %s", got)
	}
	if got := f.last(); got != "create name=web platform=linux/arm64 image=busybox" {
		t.Fatal(got)
	}
	req := f.createReq
	if req.HostConfig == nil || req.HostConfig.NetworkMode != "bridge" {
		t.Fatalf("HostConfig %+v", req.HostConfig)
	}
	ep := req.NetworkingConfig.EndpointsConfig["bridge"]
	if ep == nil || ep.GwPriority != 0 || req.NetworkingConfig.EndpointsConfig["default"] != nil {
		t.Fatalf("endpoints %+v", req.NetworkingConfig.EndpointsConfig)
	}

	// API 1.39 ignores platform and gets the old IPC default.
	do(s, "POST", "/v1.39/containers/create?platform=linux/arm64", `{"Image":"busybox","HostConfig":{"PidsLimit":-1}}`, jsonHeader)
	if got := f.last(); got != "create name= platform= image=busybox" {
		t.Fatal(got)
	}
	if hc := f.createReq.HostConfig; hc.IpcMode != container.IPCModeShareable || hc.PidsLimit != nil {
		t.Fatalf("HostConfig %+v", hc)
	}

	// API 1.43 refuses several networks.
	rec = do(s, "POST", "/v1.43/containers/create", `{"Image":"busybox","NetworkingConfig":{"EndpointsConfig":{"a":{},"b":{}}}}`, jsonHeader)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "multiple network endpoints: a, b") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}

	// API 1.52 backfills an empty port binding and warns about it.
	rec = do(s, "POST", "/v1.52/containers/create", `{"Image":"busybox","HostConfig":{"PortBindings":{"80/tcp":[]}}}`, jsonHeader)
	if rec.Code != http.StatusCreated || !strings.Contains(rec.Body.String(), "empty list of port-bindings: 80/tcp") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if b := f.createReq.HostConfig.PortBindings[network.MustParsePort("80/tcp")]; len(b) != 1 {
		t.Fatalf("bindings %v", b)
	}
}

func TestContainerListQuery(t *testing.T) {
	s, f := newContainerServer(t)
	rec := do(s, "GET", `/containers/json?all=1&limit=3&size=true&before=c0&filters={"status":{"exited":true}}`, "", nil)
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != "[]" {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	o := f.listOpts
	if !o.All || !o.Size || o.Limit != 3 || !o.Filters.ExactMatch("status", "exited") || !o.Filters.ExactMatch("before", "c0") {
		t.Fatalf("opts %+v", o)
	}
}

func TestContainerUpdateCommit(t *testing.T) {
	s, f := newContainerServer(t)
	rec := do(s, "POST", "/containers/c1/update", `{"Memory":1048576,"PidsLimit":-1,"RestartPolicy":{"Name":"always"}}`, jsonHeader)
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"Warnings":[]}` {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if u := f.update; u.Memory != 1048576 || u.PidsLimit == nil || *u.PidsLimit != 0 || u.RestartPolicy.Name != "always" {
		t.Fatalf("update %+v", u)
	}

	rec = do(s, "POST", "/commit?container=c1&repo=img&tag=v1&comment=hi&author=me&changes=CMD+ls&changes=ENV+A%3D1&pause=0", `{"Cmd":["sh"]}`, jsonHeader)
	if rec.Code != http.StatusCreated || strings.TrimSpace(rec.Body.String()) != `{"Id":"sha256:abc"}` {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	c := f.commit
	if c.Repo != "img" || c.Tag != "v1" || c.Comment != "hi" || c.Author != "me" || c.Pause || len(c.Changes) != 2 || c.Changes[1] != "ENV A=1" || c.Config == nil || c.Config.Cmd[0] != "sh" {
		t.Fatalf("commit %+v", c)
	}
	// No body and no pause parameter: no config, pause by default.
	do(s, "POST", "/commit?container=c1", "", nil)
	if f.commit.Config != nil || !f.commit.Pause {
		t.Fatalf("commit %+v", f.commit)
	}
}

func TestContainerInspectBridgeFields(t *testing.T) {
	s, f := newContainerServer(t)
	f.inspect = &container.InspectResponse{ID: "c1", NetworkSettings: &container.NetworkSettings{Networks: map[string]*network.EndpointSettings{
		"bridge": {EndpointID: "ep1", NetworkID: "n1"},
	}}}
	var doc struct{ NetworkSettings map[string]any }
	rec := do(s, "GET", "/v1.44/containers/c1/json", "", nil)
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.NetworkSettings["EndpointID"] != "ep1" || doc.NetworkSettings["IPPrefixLen"] == nil || doc.NetworkSettings["Networks"] == nil {
		t.Fatalf("1.44 NetworkSettings %v", doc.NetworkSettings)
	}
	doc.NetworkSettings = nil
	rec = do(s, "GET", "/v1.52/containers/c1/json", "", nil)
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.NetworkSettings["EndpointID"]; ok {
		t.Fatalf("1.52 NetworkSettings has top-level bridge fields: %v", doc.NetworkSettings)
	}
}
