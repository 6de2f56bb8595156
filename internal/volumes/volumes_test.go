package volumes

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"

	evbroker "github.com/skiff-engine/skiff/internal/events"
	"github.com/skiff-engine/skiff/internal/filters"
)

func newTestService(t *testing.T) (*Service, *evbroker.Broker) {
	t.Helper()
	b := evbroker.New(64)
	s, err := New(Options{Root: filepath.Join(t.TempDir(), "volumes"), Events: b, Rootless: true})
	if err != nil {
		t.Fatal(err)
	}
	return s, b
}

func TestValidateName(t *testing.T) {
	for _, ok := range []string{"ab", "a.b", "a_b-c", "A1", strings.Repeat("x", 200)} {
		if err := validateName(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"a", "a/b", "..", ".a", "-a", "a b", "", "a\x00b"} {
		err := validateName(bad)
		if err == nil || !errdefs.IsInvalidArgument(err) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestValidateLocalOpts(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		opts map[string]string
		err  string
	}{
		{nil, ""},
		{map[string]string{"type": "tmpfs", "device": "tmpfs", "o": "size=1m,uid=1000"}, ""},
		{map[string]string{"type": "none", "device": dir, "o": "bind"}, ""},
		{map[string]string{"foo": "x"}, `invalid option: "foo"`},
		{map[string]string{"type": "tmpfs"}, `missing required option: "device"`},
		{map[string]string{"o": "size=1m"}, `missing required option: "device"`},
		{map[string]string{"size": "10m"}, "quota size requested but no quota support"},
		{map[string]string{"type": "nfs", "device": ":/x", "o": "addr=1.2.3.4"}, `rootless skiff cannot mount a volume of type "nfs"`},
		{map[string]string{"type": "none", "device": filepath.Join(dir, "missing"), "o": "bind"}, "is not accessible"},
		{map[string]string{"type": "none", "device": "rel/path", "o": "bind"}, "not an absolute path"},
	} {
		err := validateLocalOpts(c.opts, true)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%v: %v", c.opts, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || !errdefs.IsInvalidArgument(err)):
			t.Errorf("%v: %v, want %q", c.opts, err, c.err)
		}
	}
}

func TestCreateGetRemove(t *testing.T) {
	s, b := newTestService(t)
	_, live, cancel := b.Subscribe(time.Time{}, time.Time{}, func(events.Message) bool { return true })
	defer cancel()
	ctx := context.Background()
	v, err := s.Create(ctx, "data", "", nil, map[string]string{"a": "1"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Driver != "local" || v.Scope != "local" || v.Mountpoint != filepath.Join(s.opt.Root, "data", "_data") || v.Labels["a"] != "1" || v.Options != nil {
		t.Errorf("created %+v", v)
	}
	if st, err := os.Stat(v.Mountpoint); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("_data: %v %v", st, err)
	}
	if m := <-live; m.Type != events.VolumeEventType || m.Action != events.ActionCreate || m.Actor.ID != "data" || m.Actor.Attributes["driver"] != "local" {
		t.Errorf("event %+v", m)
	}
	// Again: the same volume, labels unchanged, no event.
	again, err := s.Create(ctx, "data", "local", nil, map[string]string{"a": "2"})
	if err != nil || again.Labels["a"] != "1" {
		t.Errorf("second create: %+v %v", again, err)
	}
	if _, err := s.Create(ctx, "data", "otherdriver", nil, nil); !errdefs.IsNotFound(err) || !strings.Contains(err.Error(), `error looking up volume plugin otherdriver: plugin "otherdriver" not found`) {
		t.Errorf("other driver: %v", err)
	}
	if _, err := s.Get(ctx, "nope"); !errdefs.IsNotFound(err) || err.Error() != "get nope: no such volume" {
		t.Errorf("get missing: %v", err)
	}
	// A reload sees it (metadata on disk).
	s2, err := New(Options{Root: s.opt.Root})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s2.Get(ctx, "data"); err != nil || got.Labels["a"] != "1" || got.CreatedAt != v.CreatedAt {
		t.Errorf("reloaded %+v %v", got, err)
	}
	// In use: 409 with the refs, force or not.
	s.SetUsers(func() map[string][]string {
		return map[string][]string{"data": {"c1"}}
	})
	for _, force := range []bool{false, true} {
		if err := s.Remove(ctx, "data", force); !errdefs.IsConflict(err) || err.Error() != "remove data: volume is in use - [c1]" {
			t.Errorf("remove in use (force %v): %v", force, err)
		}
	}
	s.SetUsers(nil)
	os.WriteFile(filepath.Join(v.Mountpoint, "f"), []byte("x"), 0o600)
	os.MkdirAll(filepath.Join(v.Mountpoint, "d", "e"), 0o755)
	os.Chmod(filepath.Join(v.Mountpoint, "d"), 0)
	if err := s.Remove(ctx, "data", false); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(s.opt.Root); len(entries) != 0 {
		t.Errorf("left in root: %v", entries)
	}
	if err := s.Remove(ctx, "data", false); !errdefs.IsNotFound(err) {
		t.Errorf("remove again: %v", err)
	}
	if err := s.Remove(ctx, "data", true); err != nil {
		t.Errorf("remove -f of a missing volume: %v", err)
	}
}

func TestBadCreateLeavesNothing(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		opts map[string]string
	}{{"a/b", nil}, {"..", nil}, {"ok-name", map[string]string{"bad": "1"}}} {
		if _, err := s.Create(ctx, c.name, "", c.opts, nil); !errdefs.IsInvalidArgument(err) {
			t.Errorf("%q %v: %v", c.name, c.opts, err)
		}
	}
	if entries, _ := os.ReadDir(s.opt.Root); len(entries) != 0 {
		t.Errorf("left in root: %v", entries)
	}
}

func TestCrashLeftovers(t *testing.T) {
	root := filepath.Join(t.TempDir(), "volumes")
	os.MkdirAll(filepath.Join(root, tmpPrefix+"half-123", "_data"), 0o755)
	os.MkdirAll(filepath.Join(root, trashPrefix+"9", "gone", "_data"), 0o755)
	os.MkdirAll(filepath.Join(root, "dockerlayout", "_data"), 0o755)
	s, err := New(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	ls, _, err := s.List(context.Background(), filters.NewArgs())
	if err != nil || len(ls) != 1 || ls[0].Name != "dockerlayout" {
		t.Errorf("list after leftovers: %v %v", ls, err)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Errorf("leftovers stay: %v", entries)
	}
}

func TestListFiltersAndPrune(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	anon, _ := s.Create(ctx, "", "", nil, nil)
	if len(anon.Name) != 64 || anon.Labels[AnonymousLabel] != "" {
		t.Errorf("anonymous %+v", anon)
	}
	s.Create(ctx, "named", "", nil, map[string]string{"keep": "yes"})
	s.Create(ctx, "other", "", nil, map[string]string{"team": "b"})
	s.Create(ctx, "tmp", "", map[string]string{"type": "tmpfs", "device": "tmpfs"}, nil)
	s.SetUsers(func() map[string][]string {
		return map[string][]string{"other": {"c1"}}
	})
	names := func(f filters.Args) []string {
		t.Helper()
		ls, _, err := s.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range ls {
			out = append(out, v.Name)
		}
		return out
	}
	for _, c := range []struct {
		f    filters.Args
		want []string
	}{
		{filters.NewArgs(filters.Arg("name", "nam")), []string{"named"}},
		{filters.NewArgs(filters.Arg("label", "keep=yes")), []string{"named"}},
		{filters.NewArgs(filters.Arg("dangling", "false")), []string{"other"}},
		{filters.NewArgs(filters.Arg("driver", "local"), filters.Arg("label", "team")), []string{"other"}},
	} {
		if got := names(c.f); !slices.Equal(got, c.want) {
			t.Errorf("%v: %v, want %v", c.f, got, c.want)
		}
	}
	if got := names(filters.NewArgs(filters.Arg("dangling", "true"))); slices.Contains(got, "other") || len(got) != 3 {
		t.Errorf("dangling=true: %v", got)
	}
	if _, _, err := s.List(ctx, filters.NewArgs(filters.Arg("until", "1h"))); !errdefs.IsInvalidArgument(err) {
		t.Errorf("bad key: %v", err)
	}
	for _, bad := range []filters.Args{
		filters.NewArgs(filters.Arg("all", "maybe")),
		filters.NewArgs(filters.Arg("all", "1"), filters.Arg("all", "0")),
		filters.NewArgs(filters.Arg("until", "1h")),
	} {
		if _, err := s.Prune(ctx, bad); !errdefs.IsInvalidArgument(err) {
			t.Errorf("prune %v: %v", bad, err)
		}
	}
	rep, err := s.Prune(ctx, filters.NewArgs())
	if err != nil || !slices.Equal(rep.VolumesDeleted, []string{anon.Name}) {
		t.Errorf("prune: %+v %v", rep, err)
	}
	rep, err = s.Prune(ctx, filters.NewArgs(filters.Arg("all", "true"), filters.Arg("label!", "keep=yes")))
	if err != nil || len(rep.VolumesDeleted) != 0 {
		t.Errorf("prune all but keep: %+v %v (in use, with options and kept must stay)", rep, err)
	}
	rep, _ = s.Prune(ctx, filters.NewArgs(filters.Arg("all", "1")))
	if !slices.Equal(rep.VolumesDeleted, []string{"named"}) {
		t.Errorf("prune all: %+v", rep)
	}
	du, err := s.DiskUsage(ctx)
	if err != nil || len(du) != 1 || du[0].Name != "other" || du[0].UsageData.RefCount != 1 {
		t.Errorf("DiskUsage: %v %v", du, err)
	}
}
