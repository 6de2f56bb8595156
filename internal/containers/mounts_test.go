package containers

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

func TestParseMounts(t *testing.T) {
	src := t.TempDir()
	created := filepath.Join(src, "new", "dir")
	hc := &container.HostConfig{
		Binds:  []string{src + ":/data:ro", created + ":/made"},
		Mounts: []mount.Mount{{Type: mount.TypeTmpfs, Target: "/scratch"}},
	}
	mps, err := parseMounts(hc, map[string]struct{}{"/data": {}})
	if err != nil {
		t.Fatal(err)
	}
	if len(mps) != 3 || mps[0].Destination != "/data" || mps[0].RW || mps[1].Destination != "/made" || !mps[1].RW || mps[2].Type != mount.TypeTmpfs {
		t.Fatalf("mounts %+v", mps)
	}
	sm := specMounts(mps)
	if sm[0].Type != "bind" || strings.Join(sm[0].Options, ",") != "rbind,ro,rprivate" {
		t.Errorf("spec mount %+v", sm[0])
	}
	if _, err := parseMounts(&container.HostConfig{Binds: []string{"named:/x"}}, nil); !errdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "named volumes are not supported yet") {
		t.Errorf("named volume: %v", err)
	}
	if _, err := parseMounts(&container.HostConfig{}, map[string]struct{}{"/anon": {}}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("anonymous volume: %v", err)
	}
	if _, err := parseMounts(&container.HostConfig{Binds: []string{src + ":/a", src + ":/a/"}}, nil); !errdefs.IsInvalidArgument(err) {
		t.Errorf("duplicate mount point: %v", err)
	}
	if _, err := parseMounts(&container.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeBind, Source: "/no/such/path/skiff", Target: "/x"}}}, nil); !errdefs.IsInvalidArgument(err) {
		t.Errorf("missing --mount source: %v", err)
	}
}

func TestResolveInMount(t *testing.T) {
	mps := []mountPoint{
		{Type: mount.TypeBind, Source: "/host/a", Destination: "/a"},
		{Type: mount.TypeBind, Source: "/host/ab", Destination: "/a/b"},
		{Type: mount.TypeTmpfs, Destination: "/t"},
	}
	tests := []struct{ in, src, rel string }{
		{"/a", "/host/a", "/"},
		{"/a/x/y", "/host/a", "/x/y"},
		{"/a/b/c", "/host/ab", "/c"},
		{"a/../a/b", "/host/ab", "/"},
	}
	for _, tt := range tests {
		mp, rel := resolveInMount(mps, tt.in)
		if mp == nil || mp.Source != tt.src || rel != tt.rel {
			t.Errorf("%s: %+v %s, want %s %s", tt.in, mp, rel, tt.src, tt.rel)
		}
	}
	for _, p := range []string{"/ab", "/t/x", "/", "/../a/.."} {
		if mp, _ := resolveInMount(mps, p); mp != nil {
			t.Errorf("%s resolved into a mount", p)
		}
	}
	// One source bound twice: the mount of the path, not the last one
	// with that source (a read-only bind must stay read-only for cp).
	twice := []mountPoint{
		{Type: mount.TypeBind, Source: "/host/s", Destination: "/ro"},
		{Type: mount.TypeBind, Source: "/host/s", Destination: "/rw", RW: true},
	}
	if mp, _ := resolveInMount(twice, "/ro/f"); mp == nil || mp.RW {
		t.Errorf("/ro/f resolved to %+v", mp)
	}
}

func TestSeccompOpt(t *testing.T) {
	if got := seccompOpt([]string{"no-new-privileges", "seccomp=unconfined"}); got != "unconfined" {
		t.Errorf("got %q", got)
	}
	if got := seccompOpt([]string{"seccomp:{}"}); got != "{}" {
		t.Errorf("got %q", got)
	}
	if got := seccompOpt(nil); got != "" {
		t.Errorf("got %q", got)
	}
}
