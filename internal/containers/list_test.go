package containers

import (
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/skiff-engine/skiff/api/server"
	"github.com/skiff-engine/skiff/internal/filters"
)

// listService holds three containers: web (running), job (exited 3) and
// fresh (created), created in that order.
func listService(t *testing.T) *Service {
	s := &Service{names: map[string]string{}, byID: map[string]*ctr{}}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	add := func(id, name string, st state, labels map[string]string, i int) {
		rec := record{
			ID: id, Name: "/" + name, Created: base.Add(time.Duration(i) * time.Minute),
			Image: "busybox", ImageID: "sha256:" + id,
			Config:     &container.Config{Labels: labels, ExposedPorts: network.PortSet{network.MustParsePort("80/tcp"): {}}},
			HostConfig: &container.HostConfig{NetworkMode: "bridge", Binds: []string{"/srv:/data"}},
			State:      st,
		}
		s.byID[id] = newContainer(rec)
		s.names["/"+name] = id
	}
	add("aaaa1111", "web", state{Running: true, StartedAt: base}, map[string]string{"app": "web", "tier": "front"}, 1)
	add("bbbb2222", "job", state{ExitCode: 3, StartedAt: base, FinishedAt: base}, map[string]string{"app": "job"}, 2)
	add("cccc3333", "fresh", state{}, nil, 3)
	return s
}

func TestListFilters(t *testing.T) {
	s := listService(t)
	tests := []struct {
		name string
		all  bool
		f    []filters.KeyValuePair
		want []string
	}{
		{"running only", false, nil, []string{"web"}},
		{"all newest first", true, nil, []string{"fresh", "job", "web"}},
		{"status implies all", false, []filters.KeyValuePair{filters.Arg("status", "exited")}, []string{"job"}},
		{"status created", false, []filters.KeyValuePair{filters.Arg("status", "created")}, []string{"fresh"}},
		{"name regexp", true, []filters.KeyValuePair{filters.Arg("name", "^j")}, []string{"job"}},
		{"id prefix", true, []filters.KeyValuePair{filters.Arg("id", "bbbb")}, []string{"job"}},
		{"label key", true, []filters.KeyValuePair{filters.Arg("label", "app")}, []string{"job", "web"}},
		{"label value", true, []filters.KeyValuePair{filters.Arg("label", "app=web")}, []string{"web"}},
		{"exited code", true, []filters.KeyValuePair{filters.Arg("exited", "3")}, []string{"job"}},
		{"exited other code", true, []filters.KeyValuePair{filters.Arg("exited", "0")}, nil},
		{"before", true, []filters.KeyValuePair{filters.Arg("before", "job")}, []string{"web"}},
		{"since", true, []filters.KeyValuePair{filters.Arg("since", "job")}, []string{"fresh"}},
		{"ancestor and its children by ID", true, []filters.KeyValuePair{filters.Arg("ancestor", "busybox")}, []string{"job", "web"}},
		{"volume", true, []filters.KeyValuePair{filters.Arg("volume", "/data")}, []string{"fresh", "job", "web"}},
		{"network", true, []filters.KeyValuePair{filters.Arg("network", "host")}, nil},
		{"expose", true, []filters.KeyValuePair{filters.Arg("expose", "80/tcp")}, []string{"fresh", "job", "web"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &listQuery{f: filters.NewArgs(tt.f...), all: tt.all}
			// Reuse List's parsing without the image service: no ancestor IDs.
			opts := server.ListOptions{All: tt.all, Filters: filters.NewArgs(tt.f...)}
			if !opts.Filters.Contains("ancestor") {
				var err error
				if q, err = s.parseListQuery(t.Context(), opts); err != nil {
					t.Fatal(err)
				}
			} else {
				// What Images.Descendants("busybox") gives: its ID and a child's.
				q.ancestorIDs = map[string]bool{"sha256:aaaa1111": true, "sha256:bbbb2222": true}
			}
			var got []string
			for _, c := range s.sorted() {
				v := view{rec: c.rec}
				if q.match(&v) {
					got = append(got, c.rec.Name[1:])
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestListFilterErrors(t *testing.T) {
	s := listService(t)
	for _, f := range []filters.KeyValuePair{filters.Arg("bogus", "1"), filters.Arg("status", "sleeping"), filters.Arg("exited", "x")} {
		if _, err := s.parseListQuery(t.Context(), server.ListOptions{Filters: filters.NewArgs(f)}); err == nil {
			t.Errorf("%v: no error", f)
		}
	}
	if _, err := s.parseListQuery(t.Context(), server.ListOptions{Filters: filters.NewArgs(filters.Arg("before", "nosuch"))}); err == nil {
		t.Error("before an unknown container: no error")
	}
}
