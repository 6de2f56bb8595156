package containerfs

import (
	"archive/tar"
	"errors"
	"reflect"
	"testing"

	"github.com/containerd/errdefs"
)

func TestArchive(t *testing.T) {
	root, _ := makeRoot(t)
	cases := []struct {
		path  string
		names []string
	}{
		{"/dir", []string{"dir/", "dir/a", "dir/sub/", "dir/sub/b"}},
		{"/dir/", []string{"dir/", "dir/a", "dir/sub/", "dir/sub/b"}},
		{"/dir/.", []string{"./", "./a", "./sub/", "./sub/b"}},
		{"/dirlink/", []string{"dirlink/", "dirlink/a", "dirlink/sub/", "dirlink/sub/b"}},
		{"/up", []string{"up"}},
		// As dockerd: the root's entries are named from "/".
		{"/", []string{"/", "/canary", "/dir/", "/dir/a", "/dir/sub/", "/dir/sub/b", "/dirlink", "/etc/", "/etc/passwd", "/evil", "/link", "/tmp/", "/up"}},
		{"/dirlink", []string{"dirlink"}},
		{"/etc/passwd", []string{"passwd"}},
		{"/evil/etc/passwd", []string{"passwd"}},
		{"/link", []string{"link"}},
	}
	for _, c := range cases {
		rc, st, err := Archive(root, c.path)
		if err != nil {
			t.Errorf("Archive(%q): %v", c.path, err)
			continue
		}
		got := readTar(t, rc)
		if err := rc.Close(); err != nil {
			t.Errorf("Archive(%q) close: %v", c.path, err)
		}
		if !reflect.DeepEqual(names(got), c.names) {
			t.Errorf("Archive(%q) = %v, want %v", c.path, names(got), c.names)
		}
		if st == nil || st.Name == "" {
			t.Errorf("Archive(%q) stat = %+v", c.path, st)
		}
	}
}

func TestArchiveContents(t *testing.T) {
	root, _ := makeRoot(t)
	rc, _, err := Archive(root, "/evil/etc/passwd")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if e := readTar(t, rc)["passwd"]; e.data != passwd {
		t.Errorf("got %q, want the container's passwd", e.data)
	}
	rc2, st, err := Archive(root, "/link")
	if err != nil {
		t.Fatal(err)
	}
	defer rc2.Close()
	e := readTar(t, rc2)["link"]
	if e.hdr.Typeflag != tar.TypeSymlink || e.hdr.Linkname != "/etc/passwd" || st.LinkTarget != "/etc/passwd" {
		t.Errorf("link archived as %+v, stat %+v", e.hdr, st)
	}
}

func TestArchiveNotFound(t *testing.T) {
	root, _ := makeRoot(t)
	_, _, err := Archive(root, "/nope")
	var nf *NotFoundError
	if !errors.As(err, &nf) || !errdefs.IsNotFound(err) || nf.Path != "/nope" {
		t.Errorf("got %v", err)
	}
}

func TestExport(t *testing.T) {
	root, _ := makeRoot(t)
	if err := lchown(root+"/dir/a", 1234, 5678); err != nil {
		t.Fatal(err)
	}
	rc, err := Export(root)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got := readTar(t, rc)
	if got["etc/passwd"].data != passwd {
		t.Errorf("etc/passwd = %q; entries %v", got["etc/passwd"].data, names(got))
	}
	if h := got["dir/a"].hdr; h.Uid != 1234 || h.Gid != 5678 {
		t.Errorf("dir/a owned by %d:%d", h.Uid, h.Gid)
	}
	if h := got["evil"].hdr; h.Typeflag != tar.TypeSymlink || h.Linkname != "/" {
		t.Errorf("evil = %+v", h)
	}
	if _, ok := got["."]; ok {
		t.Error("export has a \".\" entry")
	}
}
