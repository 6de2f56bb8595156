package containers

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/volume"
)

// fakeVolumes is a VolumeBackend in memory.
type fakeVolumes struct {
	vols    map[string]string // name -> driver
	n       int
	removed []string
	mounts  map[string]int
}

func (f *fakeVolumes) Create(_ context.Context, name, driver string, _, _ map[string]string) (volume.Volume, error) {
	if name == "" {
		f.n++
		name = fmt.Sprintf("anon%d", f.n)
	}
	if driver == "" {
		driver = "local"
	}
	if d, ok := f.vols[name]; ok {
		driver = d
	}
	f.vols[name] = driver
	return volume.Volume{Name: name, Driver: driver, Mountpoint: "/vols/" + name + "/_data"}, nil
}

func (f *fakeVolumes) Get(_ context.Context, name string) (volume.Volume, error) {
	if d, ok := f.vols[name]; ok {
		return volume.Volume{Name: name, Driver: d, Mountpoint: "/vols/" + name + "/_data"}, nil
	}
	return volume.Volume{}, errdefs.ErrNotFound
}

func (f *fakeVolumes) Mount(_ context.Context, name, _ string) (string, error) {
	f.mounts[name]++
	return "/vols/" + name + "/_data", nil
}

func (f *fakeVolumes) Unmount(_ context.Context, name, _ string) error {
	f.mounts[name]--
	return nil
}

func (f *fakeVolumes) Remove(_ context.Context, name string, _ bool) error {
	f.removed = append(f.removed, name)
	delete(f.vols, name)
	return nil
}

func newFakeService() (*Service, *fakeVolumes) {
	f := &fakeVolumes{vols: map[string]string{"existing": "local"}, mounts: map[string]int{}}
	return &Service{opt: Options{Volumes: f}, byID: map[string]*ctr{}, names: map[string]string{}}, f
}

func TestRegisterMounts(t *testing.T) {
	s, f := newFakeService()
	cfg := &container.Config{Volumes: map[string]struct{}{"/image": {}, "/named": {}, "/tmp/t": {}}}
	hc := &container.HostConfig{
		Binds:  []string{"existing:/named", "new:/new:ro"},
		Mounts: []mount.Mount{{Type: mount.TypeVolume, Target: "/m"}},
		Tmpfs:  map[string]string{"/tmp/t": ""},
	}
	mps, undo, err := s.registerMounts(context.Background(), cfg, hc)
	if err != nil {
		t.Fatal(err)
	}
	want := []mountPoint{
		{Type: mount.TypeVolume, Name: "anon1", Driver: "local", Source: "/vols/anon1/_data", Destination: "/image", RW: true, CopyData: true, Anonymous: true, fromConfig: true},
		{Type: mount.TypeVolume, Name: "anon2", Driver: "local", Source: "/vols/anon2/_data", Destination: "/m", RW: true, Mode: "z", CopyData: true, Anonymous: true},
		{Type: mount.TypeVolume, Name: "existing", Driver: "local", Source: "/vols/existing/_data", Destination: "/named", RW: true, Mode: "z", CopyData: true},
		{Type: mount.TypeVolume, Name: "new", Driver: "local", Source: "/vols/new/_data", Destination: "/new", Mode: "ro", CopyData: true},
	}
	if len(mps) != len(want) {
		t.Fatalf("mounts %+v", mps)
	}
	for i := range want {
		mps[i].driverOpts, mps[i].labels = nil, nil
		if fmt.Sprintf("%+v", mps[i]) != fmt.Sprintf("%+v", want[i]) {
			t.Errorf("mount %d:\n got %+v\nwant %+v", i, mps[i], want[i])
		}
	}
	// undo removes what this create made, not the volume that existed.
	undo()
	slices.Sort(f.removed)
	if !slices.Equal(f.removed, []string{"anon1", "anon2", "new"}) {
		t.Errorf("undo removed %v", f.removed)
	}
}

func TestRegisterMountsVolumesFrom(t *testing.T) {
	s, f := newFakeService()
	src := newContainer(record{ID: "src1", Name: "/src", HostConfig: &container.HostConfig{}, MountPoints: []mountPoint{
		{Type: mount.TypeVolume, Name: "existing", Driver: "local", Source: "/vols/existing/_data", Destination: "/data", RW: true, Mode: "z", CopyData: true},
		{Type: mount.TypeBind, Source: "/h", Destination: "/b", RW: true, Propagation: mount.PropagationRPrivate},
	}})
	s.byID["src1"] = src
	s.names["/src"] = "src1"
	hc := &container.HostConfig{VolumesFrom: []string{"src:ro"}, Binds: []string{"/other:/b"}}
	mps, _, err := s.registerMounts(context.Background(), &container.Config{}, hc)
	if err != nil {
		t.Fatal(err)
	}
	if len(mps) != 2 || mps[0].Source != "/other" || !mps[0].RW || mps[1].Name != "existing" || mps[1].RW || mps[1].CopyData || mps[1].Mode != "" {
		t.Errorf("mounts %+v", mps)
	}
	if len(f.vols) != 1 {
		t.Errorf("volumes-from created volumes: %v", f.vols)
	}
	if got := s.VolumeUsers()["existing"]; !slices.Equal(got, []string{"src1"}) {
		t.Errorf("users %v", got)
	}
	if _, _, err := s.registerMounts(context.Background(), &container.Config{}, &container.HostConfig{VolumesFrom: []string{"nosuch"}}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("missing container: %v", err)
	}
}

func TestRegisterMountsWithoutVolumes(t *testing.T) {
	s := &Service{byID: map[string]*ctr{}, names: map[string]string{}}
	if _, _, err := s.registerMounts(context.Background(), &container.Config{Volumes: map[string]struct{}{"/v": {}}}, &container.HostConfig{}); !errdefs.IsNotImplemented(err) {
		t.Errorf("no volume service: %v", err)
	}
	mps, _, err := s.registerMounts(context.Background(), &container.Config{}, &container.HostConfig{Binds: []string{"/h:/b"}})
	if err != nil || len(mps) != 1 {
		t.Errorf("bind without a volume service: %+v %v", mps, err)
	}
}
