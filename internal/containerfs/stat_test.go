package containerfs

import (
	"errors"
	"os"
	"testing"

	"github.com/containerd/errdefs"
)

func TestStat(t *testing.T) {
	root, _ := makeRoot(t)
	cases := []struct {
		path   string
		name   string
		size   int64
		dir    bool
		link   bool
		target string
	}{
		{path: "/etc/passwd", name: "passwd", size: int64(len(passwd))},
		{path: "etc/passwd", name: "passwd", size: int64(len(passwd))},
		{path: "/dir", name: "dir", dir: true},
		{path: "/dir/.", name: ".", dir: true},
		{path: "/", name: "/", dir: true},
		{path: "/link", name: "link", link: true, target: "/etc/passwd"},
		{path: "/dirlink", name: "dirlink", link: true, target: "/dir"},
		{path: "/dirlink/", name: "dirlink", dir: true},
		{path: "/dirlink/.", name: ".", dir: true},
		{path: "/evil", name: "evil", link: true, target: "/"},
		{path: "/up", name: "up", link: true, target: "/"},
		// Symlinks leading out resolve to the container's root.
		{path: "/evil/etc/passwd", name: "passwd", size: int64(len(passwd))},
		{path: "/up/etc/passwd", name: "passwd", size: int64(len(passwd))},
		{path: "/dirlink/sub/b", name: "b", size: 2},
		{path: "/canary/", name: "canary", dir: false}, // resolves to root/<host path>, which does not exist
	}
	for _, c := range cases {
		st, err := Stat(root, c.path)
		if c.path == "/canary/" {
			if !errdefs.IsNotFound(err) {
				t.Errorf("Stat(%q) = %v, %v; want not found", c.path, st, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Stat(%q): %v", c.path, err)
			continue
		}
		if st.Name != c.name || st.Mode.IsDir() != c.dir || (st.Mode&os.ModeSymlink != 0) != c.link || st.LinkTarget != c.target {
			t.Errorf("Stat(%q) = %+v", c.path, st)
		}
		if !c.dir && !c.link && st.Size != c.size {
			t.Errorf("Stat(%q).Size = %d, want %d", c.path, st.Size, c.size)
		}
	}
}

func TestStatNotFound(t *testing.T) {
	root, _ := makeRoot(t)
	for _, p := range []string{"/nope", "/etc/passwd/x", "/dir/nope/x"} {
		_, err := Stat(root, p)
		if !errdefs.IsNotFound(err) {
			t.Fatalf("Stat(%q) = %v, want not found", p, err)
		}
		err = InContainer(err, "abc123")
		if want := "Could not find the file " + p + " in container abc123"; err.Error() != want || !errdefs.IsNotFound(err) {
			t.Errorf("got %q, want %q", err, want)
		}
	}
	other := errors.New("other")
	if InContainer(other, "x") != other {
		t.Error("InContainer changed another error")
	}
}
