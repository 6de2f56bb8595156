package images

import (
	"testing"

	"github.com/rs/zerolog"
	"go.podman.io/storage"
	"go.podman.io/storage/types"
)

func TestRemoveOrphanLayers(t *testing.T) {
	dir := t.TempDir()
	store, err := storage.GetStore(types.StoreOptions{RunRoot: dir + "/run", GraphRoot: dir + "/graph", GraphDriverName: "vfs"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Shutdown(true)
	mk := func(parent string) string {
		l, err := store.CreateLayer("", parent, nil, "", false, nil)
		if err != nil {
			t.Fatal(err)
		}
		return l.ID
	}
	base := mk("")
	top := mk(base)
	orphanChild := mk(top)    // a pull interrupted after its first new layer
	orphanChain := mk(mk("")) // two committed layers of an unfinished image
	if _, err := store.CreateImage("", []string{"example.com/kept:1"}, top, "", nil); err != nil {
		t.Fatal(err)
	}
	s := &Service{log: zerolog.Nop()}
	s.removeOrphanLayers(store)
	for id, want := range map[string]bool{base: true, top: true, orphanChild: false, orphanChain: false} {
		if got := store.Exists(id); got != want {
			t.Errorf("layer %s exists = %v, want %v", id[:12], got, want)
		}
	}
	layers, _ := store.Layers()
	if len(layers) != 2 {
		t.Errorf("%d layers left, want 2", len(layers))
	}
}
