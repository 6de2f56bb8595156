package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/network"

	"github.com/skiff-engine/skiff/internal/filters"
)

// fakeNetworks records each call as one line and answers with canned data.
type fakeNetworks struct {
	calls []string
}

func (f *fakeNetworks) call(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func filterString(a filters.Args) string {
	var parts []string
	for _, k := range a.Keys() {
		parts = append(parts, k+"="+strings.Join(a.Get(k), ","))
	}
	return strings.Join(parts, " ")
}

func (f *fakeNetworks) CreateNetwork(_ context.Context, req network.CreateRequest) (network.CreateResponse, error) {
	f.call("create %s driver=%s ipv4=%v", req.Name, req.Driver, req.EnableIPv4 != nil)
	if req.Name == "dup" {
		return network.CreateResponse{}, errdefs.ErrConflict.WithMessage("network with name dup already exists")
	}
	return network.CreateResponse{ID: "n1"}, nil
}

func (f *fakeNetworks) ListNetworks(_ context.Context, a filters.Args) ([]network.Summary, error) {
	f.call("list %s", filterString(a))
	return nil, nil
}

func (f *fakeNetworks) InspectNetwork(_ context.Context, id string, verbose bool, scope string) (network.Inspect, error) {
	f.call("inspect %s verbose=%v scope=%s", id, verbose, scope)
	if id == "nope" {
		return network.Inspect{}, errdefs.ErrNotFound.WithMessage("network nope not found")
	}
	return network.Inspect{Network: network.Network{ID: id, Name: "n"}}, nil
}

func (f *fakeNetworks) RemoveNetwork(_ context.Context, id string) error {
	f.call("remove %s", id)
	if id == "bridge" {
		return errdefs.ErrPermissionDenied.WithMessage("bridge is a pre-defined network and cannot be removed")
	}
	return nil
}

func (f *fakeNetworks) PruneNetworks(_ context.Context, a filters.Args) (network.PruneReport, error) {
	f.call("prune %s", filterString(a))
	return network.PruneReport{}, nil
}

func (f *fakeNetworks) ConnectNetwork(_ context.Context, id string, req network.ConnectRequest) error {
	aliases := ""
	if req.EndpointConfig != nil {
		aliases = strings.Join(req.EndpointConfig.Aliases, ",")
	}
	f.call("connect %s container=%s aliases=%s", id, req.Container, aliases)
	return nil
}

func (f *fakeNetworks) DisconnectNetwork(_ context.Context, id string, req network.DisconnectRequest) error {
	f.call("disconnect %s container=%s force=%v", id, req.Container, req.Force)
	return nil
}

func TestNetworkRoutes(t *testing.T) {
	tests := []struct {
		method, target, body string
		wantStatus           int
		wantCall             string // "" = the backend must not be called
		wantBody             string // a substring of the response
	}{
		{"GET", "/networks", "", 200, "list ", "[]"},
		{"GET", "/networks?filters=" + `{"driver":{"bridge":true},"type":{"custom":true}}`, "", 200, "list driver=bridge type=custom", "[]"},
		{"GET", "/networks?filters=" + `{"foo":{"x":true}}`, "", 400, "", `"invalid filter 'foo'"`},
		{"GET", "/networks?filters=notjson", "", 400, "", ""},
		{"GET", "/networks/n1", "", 200, "inspect n1 verbose=false scope=", `"Id":"n1"`},
		{"GET", "/networks/n1?verbose=true&scope=local", "", 200, "inspect n1 verbose=true scope=local", ""},
		{"GET", "/networks/n1?verbose=maybe", "", 400, "", "invalid value for verbose: maybe"},
		{"GET", "/networks/nope", "", 404, "inspect nope verbose=false scope=", "network nope not found"},
		{"POST", "/networks/create", `{"Name":"a","Driver":"bridge","EnableIPv4":true}`, 201, "create a driver=bridge ipv4=true", `"Id":"n1"`},
		{"POST", "/v1.47/networks/create", `{"Name":"a","EnableIPv4":true}`, 201, "create a driver= ipv4=false", ""},
		{"POST", "/networks/create", `{"Name":"dup"}`, 409, "create dup driver= ipv4=false", "network with name dup already exists"},
		{"POST", "/networks/create", `{"Name":`, 400, "", "invalid JSON"},
		{"DELETE", "/networks/n1", "", 204, "remove n1", ""},
		{"DELETE", "/networks/bridge", "", 403, "remove bridge", "pre-defined"},
		{"POST", "/networks/prune?filters=" + `{"until":{"1h":true}}`, "", 200, "prune until=1h", "NetworksDeleted"},
		{"POST", "/networks/prune?filters=" + `{"dangling":{"true":true}}`, "", 400, "", "invalid filter 'dangling'"},
		{"POST", "/networks/n1/connect", `{"Container":"c1","EndpointConfig":{"Aliases":["web"]}}`, 200, "connect n1 container=c1 aliases=web", ""},
		{"POST", "/networks/n1/disconnect", `{"Container":"c1","Force":true}`, 200, "disconnect n1 container=c1 force=true", ""},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			f := &fakeNetworks{}
			s := newTestServer(t, Options{Networks: f})
			var h = jsonHeader
			if tc.body == "" {
				h = nil
			}
			rec := do(s, tc.method, tc.target, tc.body, h)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.wantStatus, rec.Body)
			}
			got := strings.Join(f.calls, "; ")
			if got != tc.wantCall {
				t.Errorf("backend calls %q, want %q", got, tc.wantCall)
			}
			if !strings.Contains(rec.Body.String(), tc.wantBody) {
				t.Errorf("body %q lacks %q", rec.Body, tc.wantBody)
			}
		})
	}
}

// TestNetworkRoutesStubbedWithoutBackend: no backend leaves the 501 stubs.
func TestNetworkRoutesStubbedWithoutBackend(t *testing.T) {
	s := newTestServer(t, Options{})
	if rec := do(s, "GET", "/networks", "", nil); rec.Code != 501 {
		t.Fatalf("status %d, want 501", rec.Code)
	}
}
