package containers

import (
	"reflect"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

func TestParseBindSpec(t *testing.T) {
	tests := []struct {
		raw  string
		want mountPoint
	}{
		{"/src:/dst", mountPoint{Type: mount.TypeBind, Source: "/src", Destination: "/dst", RW: true, Propagation: mount.PropagationRPrivate, CreateSource: true}},
		{"/src/:/dst/:ro,rshared", mountPoint{Type: mount.TypeBind, Source: "/src", Destination: "/dst", Mode: "ro,rshared", Propagation: mount.PropagationRShared, CreateSource: true}},
		{"/src:/dst:z", mountPoint{Type: mount.TypeBind, Source: "/src", Destination: "/dst", RW: true, Mode: "z", Propagation: mount.PropagationRPrivate, CreateSource: true}},
		{"data:/dst", mountPoint{Type: mount.TypeVolume, Name: "data", Destination: "/dst", RW: true, CopyData: true}},
		{"data:/dst:ro,nocopy", mountPoint{Type: mount.TypeVolume, Name: "data", Destination: "/dst", Mode: "ro,nocopy"}},
		{"/anon", mountPoint{Type: mount.TypeVolume, Destination: "/anon", RW: true, CopyData: true, Anonymous: true}},
	}
	for _, tt := range tests {
		got, err := parseBindSpec(tt.raw, "")
		if err != nil {
			t.Errorf("%s: %v", tt.raw, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.raw, got, tt.want)
		}
	}
	if m, _ := parseBindSpec("data:/dst", "flocker"); m.Driver != "flocker" {
		t.Errorf("volume driver: %+v", m)
	}
	if m, _ := parseBindSpec("/src:/dst", "flocker"); m.Driver != "" {
		t.Errorf("volume driver on a bind: %+v", m)
	}
}

// The messages are dockerd's, word for word.
func TestParseBindSpecErrors(t *testing.T) {
	tests := []struct{ raw, msg string }{
		{"", "invalid volume specification: ''"},
		{":/dst", "invalid volume specification: ':/dst'"},
		{"/dst:rw", "invalid volume specification: '/dst:rw'"},
		{"/a:/b:/c:/d", "invalid volume specification: '/a:/b:/c:/d'"},
		{"/src:/dst:rw,ro", "invalid mode: rw,ro"},
		{"/src:/dst:bogus", "invalid mode: bogus"},
		{"/src:dst", `invalid volume specification: '/src:dst': invalid mount config for type "bind": invalid mount path: 'dst' mount path must be absolute`},
		{"/src:/", `invalid volume specification: '/src:/': invalid mount config for type "bind": invalid specification: destination can't be '/'`},
		{"vol:/", `invalid volume specification: 'vol:/': invalid mount config for type "volume": invalid specification: destination can't be '/'`},
	}
	for _, tt := range tests {
		_, err := parseBindSpec(tt.raw, "")
		if !errdefs.IsInvalidArgument(err) || err.Error() != tt.msg {
			t.Errorf("%q: %v, want %q", tt.raw, err, tt.msg)
		}
	}
}

func TestParseMountSpecErrors(t *testing.T) {
	tests := []struct {
		m   mount.Mount
		msg string
	}{
		{mount.Mount{Type: mount.TypeBind, Source: "/s"}, `invalid mount config for type "bind": field Target must not be empty`},
		{mount.Mount{Type: mount.TypeBind, Target: "/t"}, `invalid mount config for type "bind": field Source must not be empty`},
		{mount.Mount{Type: mount.TypeBind, Source: "rel", Target: "/t"}, `invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`},
		{mount.Mount{Type: mount.TypeBind, Source: "/s", Target: "/t", BindOptions: &mount.BindOptions{Propagation: "bogus"}}, `invalid mount config for type "bind": invalid propagation mode: bogus`},
		{mount.Mount{Type: mount.TypeVolume, Target: "/t", ReadOnly: true}, `invalid mount config for type "volume": must not set ReadOnly mode when using anonymous volumes`},
		{mount.Mount{Type: mount.TypeTmpfs, Source: "x", Target: "/t"}, `invalid mount config for type "tmpfs": field Source must not be specified`},
		{mount.Mount{Type: "weird", Target: "/t"}, `invalid mount config for type "weird": mount type unknown`},
	}
	for _, tt := range tests {
		_, err := parseMountSpec(tt.m)
		if err == nil || err.Error() != tt.msg {
			t.Errorf("%+v: %v, want %q", tt.m, err, tt.msg)
		}
	}
}

func TestUserMounts(t *testing.T) {
	hc := &container.HostConfig{
		Binds: []string{"/src:/data:ro", "named:/named"},
		Mounts: []mount.Mount{
			{Type: mount.TypeTmpfs, Target: "/scratch", TmpfsOptions: &mount.TmpfsOptions{SizeBytes: 1 << 20, Mode: 0o700}},
			{Type: mount.TypeVolume, Source: "v", Target: "/v", VolumeOptions: &mount.VolumeOptions{NoCopy: true, Labels: map[string]string{"a": "b"}, DriverConfig: &mount.Driver{Name: "local", Options: map[string]string{"type": "tmpfs"}}}},
		},
	}
	mps, err := userMounts(hc)
	if err != nil {
		t.Fatal(err)
	}
	if len(mps) != 4 || mps[0].RW || mps[1].Name != "named" || mps[2].Type != mount.TypeTmpfs || strings.Join(mps[2].TmpfsOpts, ",") != "size=1048576,mode=700" {
		t.Fatalf("mounts %+v", mps)
	}
	if v := mps[3]; v.CopyData || v.Anonymous || v.Driver != "local" || v.labels["a"] != "b" || v.driverOpts["type"] != "tmpfs" {
		t.Errorf("volume %+v", v)
	}
	dups := []*container.HostConfig{
		{Binds: []string{"/a:/x", "/b:/x/"}},
		{Binds: []string{"/a:/x"}, Mounts: []mount.Mount{{Type: mount.TypeTmpfs, Target: "/x"}}},
		{Binds: []string{"/a:/x"}, Tmpfs: map[string]string{"/x": ""}},
	}
	for _, hc := range dups {
		if _, err := userMounts(hc); !errdefs.IsInvalidArgument(err) || err.Error() != "Duplicate mount point: /x" {
			t.Errorf("%+v: %v", hc, err)
		}
	}
}

func TestParseVolumesFrom(t *testing.T) {
	for spec, want := range map[string][2]string{"c": {"c", "rw"}, "c:ro": {"c", "ro"}, "c:rw": {"c", "rw"}} {
		id, mode, err := parseVolumesFrom(spec)
		if err != nil || id != want[0] || mode != want[1] {
			t.Errorf("%s: %s %s %v", spec, id, mode, err)
		}
	}
	for _, spec := range []string{"c:rshared", "c:nocopy", "c:bogus"} {
		if _, _, err := parseVolumesFrom(spec); !errdefs.IsInvalidArgument(err) || !strings.HasPrefix(err.Error(), "invalid mode: ") {
			t.Errorf("%s: %v", spec, err)
		}
	}
}

func TestSpecMount(t *testing.T) {
	tests := []struct {
		m    mountPoint
		opts string
	}{
		{mountPoint{Type: mount.TypeBind, Source: "/s", Destination: "/d", Propagation: mount.PropagationRPrivate}, "rbind,ro,rprivate"},
		{mountPoint{Type: mount.TypeBind, Source: "/s", Destination: "/d", RW: true, NonRecursive: true, Propagation: mount.PropagationShared}, "bind,rw,shared"},
		{mountPoint{Type: mount.TypeVolume, Name: "v", Destination: "/d", RW: true}, "rbind,rw,rprivate"},
		{mountPoint{Type: mount.TypeTmpfs, Destination: "/d", TmpfsOpts: []string{"size=1"}}, "nosuid,nodev,noexec,ro,size=1"},
	}
	for _, tt := range tests {
		sm := specMount(tt.m, "/host")
		if got := strings.Join(sm.Options, ","); got != tt.opts {
			t.Errorf("%+v: %s, want %s", tt.m, got, tt.opts)
		}
	}
}

func TestLegacyMounts(t *testing.T) {
	rec := &record{HostConfig: &container.HostConfig{Binds: []string{"/h:/b"}, Mounts: []mount.Mount{{Type: mount.TypeTmpfs, Target: "/a"}}}}
	mps := mountsOf(rec)
	if len(mps) != 2 || mps[0].Destination != "/a" || mps[1].Source != "/h" {
		t.Errorf("%+v", mps)
	}
	rec.MountPoints = []mountPoint{}
	if len(mountsOf(rec)) != 0 {
		t.Error("stored mounts ignored")
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
