package integration

import (
	"context"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// TestDistributionInspect: GET /distribution/{name}/json gives the
// registry's manifest digest and the image's platform.
func TestDistributionInspect(t *testing.T) {
	d := harness.StartDaemon(t)
	reg := harness.StartRegistry(t)
	repo := uniqueName(t, "dist")
	harness.PushTestImage(t, reg, repo+":v1", 1)
	res, err := d.Client().DistributionInspect(context.Background(), reg.Ref(repo+":v1"), client.DistributionInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Descriptor.Digest.String(), reg.ManifestDigest(t, repo, "v1"); got != want {
		t.Errorf("descriptor digest %s, want the registry's %s", got, want)
	}
	if len(res.Platforms) != 1 || res.Platforms[0].OS != "linux" {
		t.Errorf("platforms %+v, want one linux platform", res.Platforms)
	}
}

// TestImageSearch: `docker search` against a registry without a v1 search
// API lists the repositories of its v2 catalog that match.
func TestImageSearch(t *testing.T) {
	harness.SkiffOnly(t) // dockerd only speaks the v1 search API
	d := harness.StartDaemon(t)
	reg := harness.StartRegistry(t)
	repo := uniqueName(t, "searchme")
	harness.PushTestImage(t, reg, repo+":v1", 1)
	out := d.MustDocker("search", "--format", "{{.Name}}", reg.HostForDaemon()+"/searchme")
	if !strings.Contains(out, repo) {
		t.Errorf("docker search: %q does not list %s", out, repo)
	}
}

// TestRegistryMirror: with registry-mirrors in daemon.json a short name
// (docker.io) is pulled through the mirror, as with Docker.
func TestRegistryMirror(t *testing.T) {
	reg := harness.StartRegistry(t)
	repo := uniqueName(t, "mirrored")
	im := harness.PushTestImage(t, reg, "library/"+repo+":v1", 1)
	d := harness.StartDaemon(t, harness.WithDaemonJSON(`{"registry-mirrors": ["http://`+reg.HostForDaemon()+`"]}`))
	removeImagesAtEnd(t, d, im.ID())
	d.MustDocker("pull", repo+":v1")
	if id := strings.TrimSpace(d.MustDocker("image", "inspect", "--format", "{{.Id}}", repo+":v1")); id != im.ID() {
		t.Errorf("pulled %s through the mirror, want %s", id, im.ID())
	}
}
