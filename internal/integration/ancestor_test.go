package integration

import (
	"slices"
	"strings"
	"testing"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// TestContainerListAncestor: ps --filter ancestor= matches containers of
// the image and of every image built on it (here one committed from a
// container of it), by name, ID or ID prefix, as dockerd does.
func TestContainerListAncestor(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	child := uniqueName(t, "child") + ":v1"
	removeImagesAtEnd(t, d, child)

	base := strings.TrimSpace(d.MustDocker("create", bb, "true"))
	removeContainersAtEnd(t, d, base)
	d.MustDocker("commit", base, child)
	derived := strings.TrimSpace(d.MustDocker("create", child, "true"))
	removeContainersAtEnd(t, d, derived)
	bbID := strings.TrimSpace(d.MustDocker("image", "inspect", "-f", "{{.ID}}", bb))

	ps := func(filter string) []string {
		t.Helper()
		out := lines(d.MustDocker("ps", "-a", "--no-trunc", "-q", "--filter", "ancestor="+filter))
		slices.Sort(out)
		return out
	}
	both := []string{base, derived}
	slices.Sort(both)
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{bb, both},
		{bbID, both},
		{strings.TrimPrefix(bbID, "sha256:")[:12], both},
		{child, []string{derived}},
		{"no-such-image-here", nil},
	} {
		if got := ps(tc.filter); !slices.Equal(got, tc.want) {
			t.Errorf("ancestor=%s: got %v, want %v", tc.filter, got, tc.want)
		}
	}
}
