package cli

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/moby/moby/api/types/image"
)

func TestImagePrune(t *testing.T) {
	report := image.PruneReport{
		ImagesDeleted:  []image.DeleteResponse{{Untagged: "old:1"}, {Deleted: "sha256:aaaa"}, {Deleted: "sha256:bbbb"}},
		SpaceReclaimed: 4261550,
	}
	host, log := apiDaemon(t, routes{"POST /images/prune": jsonHandler(200, report)})
	const done = "Deleted Images:\nuntagged: old:1\ndeleted: sha256:aaaa\ndeleted: sha256:bbbb\n\nTotal reclaimed space: 4.262MB\n"
	tests := []struct {
		name, stdin, config string
		args                []string
		stdout              string
		filters             map[string]map[string]bool // nil: no request
	}{
		{name: "confirmed", stdin: "y\n", args: []string{"image", "prune"},
			stdout:  "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] " + done,
			filters: map[string]map[string]bool{"dangling": {"true": true}}},
		{name: "declined", stdin: "n\n", args: []string{"image", "prune", "-a"},
			stdout: "WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] "},
		{name: "no answer", args: []string{"image", "prune"},
			stdout: "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] "},
		{name: "forced all with filters", args: []string{"image", "prune", "-af", "--filter", "until=24h", "--filter", "label=x"},
			config: `{"pruneFilters":["label=keep","label!=x","bogus"]}`, stdout: done,
			filters: map[string]map[string]bool{"dangling": {"false": true}, "until": {"24h": true}, "label": {"x": true, "keep": true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.config != "" {
				writeConfig(t, dir, tt.config)
			}
			n := len(log.all())
			r := runCLI(t, map[string]string{"DOCKER_CONFIG": dir}, tt.stdin, append([]string{"-H", host}, tt.args...)...)
			if r.code != 0 || r.stdout != tt.stdout || r.stderr != "" {
				t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
			if tt.filters == nil {
				if len(log.all()) != n {
					t.Error("pruned without confirmation")
				}
				return
			}
			var got map[string]map[string]bool
			if err := json.Unmarshal([]byte(log.last(t, "/images/prune").Query.Get("filters")), &got); err != nil || !reflect.DeepEqual(got, tt.filters) {
				t.Errorf("filters %v (%v), want %v", got, err, tt.filters)
			}
		})
	}
}

func TestImagePruneNothing(t *testing.T) {
	host, _ := apiDaemon(t, routes{"POST /images/prune": jsonHandler(200, image.PruneReport{})})
	r := runCLI(t, nil, "", "-H", host, "image", "prune", "--force")
	if r.code != 0 || r.stdout != "Total reclaimed space: 0B\n" {
		t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}
