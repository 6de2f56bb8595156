package events

import (
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"github.com/skiff-engine/skiff/internal/filters"
)

func TestFilter(t *testing.T) {
	ctr := events.Message{
		Type: events.ContainerEventType, Action: events.ActionStart, Scope: "local",
		Actor: events.Actor{ID: "abcdef0123", Attributes: map[string]string{"name": "web", "image": "docker.io/library/busybox:latest", "app": "shop"}},
	}
	img := events.Message{
		Type: events.ImageEventType, Action: events.ActionPull, Scope: "local",
		Actor: events.Actor{ID: "sha256:1234", Attributes: map[string]string{"name": "busybox:1.36"}},
	}
	health := events.Message{
		Type: events.ContainerEventType, Action: events.ActionHealthStatusHealthy, Scope: "local",
		Actor: events.Actor{ID: "abcdef0123", Attributes: map[string]string{"name": "web"}},
	}
	vol := events.Message{
		Type: events.VolumeEventType, Action: events.ActionCreate, Scope: "local",
		Actor: events.Actor{ID: "data", Attributes: map[string]string{"driver": "local"}},
	}
	tests := []struct {
		name    string
		filters string
		msg     events.Message
		want    bool
	}{
		{"no filters", ``, ctr, true},
		{"type hit", `{"type":{"container":true}}`, ctr, true},
		{"type miss", `{"type":{"image":true}}`, ctr, false},
		{"type or", `{"type":{"image":true,"container":true}}`, ctr, true},
		{"event hit", `{"event":{"start":true}}`, ctr, true},
		{"event miss", `{"event":{"die":true}}`, ctr, false},
		{"health_status fuzzy", `{"event":{"health_status":true}}`, health, true},
		{"health_status exact", `{"event":{"health_status: healthy":true}}`, health, true},
		{"container by name", `{"container":{"web":true}}`, ctr, true},
		{"container by id prefix", `{"container":{"abc":true}}`, ctr, true},
		{"container miss", `{"container":{"db":true}}`, ctr, false},
		{"image on container event", `{"image":{"busybox":true}}`, ctr, true},
		{"image with tag on container event", `{"image":{"docker.io/library/busybox:latest":true}}`, ctr, true},
		{"image on image event by name", `{"image":{"busybox":true}}`, img, true},
		{"image by id", `{"image":{"sha256:1234":true}}`, img, true},
		{"image miss", `{"image":{"alpine":true}}`, img, false},
		{"label hit", `{"label":{"app=shop":true}}`, ctr, true},
		{"label key only", `{"label":{"app":true}}`, ctr, true},
		{"label miss", `{"label":{"app=blog":true}}`, ctr, false},
		{"label not equal", `{"label":{"app!=blog":true}}`, ctr, true},
		{"volume by id", `{"volume":{"data":true}}`, vol, true},
		{"volume filter drops others", `{"volume":{"data":true}}`, ctr, false},
		{"network miss", `{"network":{"bridge":true}}`, vol, false},
		{"daemon filter", `{"daemon":{"skiff":true}}`, ctr, false},
		{"scope local", `{"scope":{"local":true}}`, ctr, true},
		{"scope swarm", `{"scope":{"swarm":true}}`, ctr, false},
		{"and across keys", `{"type":{"container":true},"event":{"die":true}}`, ctr, false},
		{"legacy form", `{"type":["container"]}`, ctr, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args, err := filters.Parse(tc.filters)
			if err != nil {
				t.Fatal(err)
			}
			match, err := Filter(args)
			if err != nil {
				t.Fatal(err)
			}
			if got := match(tc.msg); got != tc.want {
				t.Fatalf("match = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFilterRejectsUnknownKey(t *testing.T) {
	args, _ := filters.Parse(`{"colour":{"red":true}}`)
	_, err := Filter(args)
	if err == nil || err.Error() != "invalid filter 'colour'" || !errdefs.IsInvalidArgument(err) {
		t.Fatalf("err = %v", err)
	}
}
