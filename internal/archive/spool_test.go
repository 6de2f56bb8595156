package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
)

func layerA(t testing.TB) []byte {
	return gz(t, mkTar(t, dir("bin/"), file("bin/busybox", "ELF"), symlink("bin/sh", "/bin/busybox")))
}

func layerB(t testing.TB) []byte {
	return mkTar(t, dir("etc/"), file("etc/hostname", "skiff"), file("etc/.wh.motd", ""))
}

// legacyArchive is docker save's pre-25 layout, where an image reusing a
// layer gets <id>/layer.tar -> ../<other>/layer.tar.
func legacyArchive(t testing.TB, link string) []byte {
	la := layerA(t)
	img := testImage{layers: [][]byte{la, la}}
	cfg := configFor(t, img)
	cfgName := digest.FromBytes(cfg).Encoded() + ".json"
	manifest := []dockerManifestItem{{Config: cfgName, RepoTags: []string{"busybox:latest"}, Layers: []string{"aaa/layer.tar", "bbb/layer.tar"}}}
	return mkTar(t,
		file(cfgName, string(cfg)),
		dir("bbb/"), symlink("bbb/layer.tar", link), file("bbb/VERSION", "1.0"),
		dir("aaa/"), file("aaa/layer.tar", string(la)), file("aaa/VERSION", "1.0"),
		file("manifest.json", mustJSON(t, manifest)),
		file("repositories", `{"busybox":{"latest":"aaa"}}`),
	)
}

type spoolCase struct {
	name    string
	data    func(testing.TB) []byte
	wantErr string
}

func spoolCases() []spoolCase {
	missing := func(t testing.TB) []byte {
		l := layerB(t)
		man := []dockerManifestItem{{Config: blobPath(digest.FromBytes(configFor(t, testImage{layers: [][]byte{l}}))), Layers: []string{"blobs/sha256/" + strings.Repeat("0", 64)}}}
		cfg := configFor(t, testImage{layers: [][]byte{l}})
		return mkTar(t, file(blobPath(digest.FromBytes(cfg)), string(cfg)), file("manifest.json", mustJSON(t, man)))
	}
	withLayer := func(layer func(testing.TB) []byte) func(testing.TB) []byte {
		return func(t testing.TB) []byte {
			l := layer(t)
			return dockerArchive(t, []testImage{{tags: []string{"x:1"}, layers: [][]byte{l}, diffIDs: []digest.Digest{digest.FromBytes(l)}}})
		}
	}
	return []spoolCase{
		{name: "docker archive, two images share a layer", data: func(t testing.TB) []byte {
			shared := layerA(t)
			return dockerArchive(t, []testImage{
				{tags: []string{"busybox:latest"}, layers: [][]byte{shared}},
				{tags: []string{"app:1", "app:latest"}, layers: [][]byte{shared, layerB(t)}},
			})
		}},
		{name: "legacy docker archive with layer symlink", data: func(t testing.TB) []byte { return legacyArchive(t, "../aaa/layer.tar") }},
		{name: "oci archive", data: func(t testing.TB) []byte {
			return ociArchive(t, []testImage{{tags: []string{"docker.io/library/busybox:1"}, layers: [][]byte{layerA(t), layerB(t)}}})
		}},
		{name: "gzip-compressed archive", data: func(t testing.TB) []byte {
			return gz(t, dockerArchive(t, []testImage{{layers: [][]byte{layerB(t)}}}))
		}},

		{name: "dot dot entry", data: tarCase(file("../evil", "x")), wantErr: `archive entry "../evil" is outside of the archive`},
		{name: "inner dot dot entry", data: tarCase(file("a/../b", "x")), wantErr: "is outside of the archive"},
		{name: "absolute entry", data: tarCase(file("/etc/evil", "x")), wantErr: `archive entry "/etc/evil" has an absolute path`},
		{name: "absolute symlink", data: tarCase(symlink("x", "/etc/passwd")), wantErr: "archive symlinks must be relative"},
		{name: "symlink escape", data: tarCase(dir("a/"), symlink("a/x", "../../etc/passwd")), wantErr: "target is outside of the archive"},
		{name: "symlink write-through", data: tarCase(dir("sub/"), symlink("d", "sub"), file("d/f", "x")), wantErr: "archive entry d/f goes through symlink d"},
		{name: "symlink to dir", data: tarCase(dir("sub/"), symlink("d", "sub")), wantErr: "target is not a regular file"},
		{name: "dangling symlink", data: tarCase(symlink("d", "nothing")), wantErr: "target is missing from the archive"},
		{name: "symlink loop", data: tarCase(symlink("a", "b"), symlink("b", "a")), wantErr: "too many levels"},
		{name: "legacy layer symlink escaping", data: func(t testing.TB) []byte { return legacyArchive(t, "../../aaa/layer.tar") }, wantErr: "target is outside of the archive"},
		{name: "hardlink outside", data: tarCase(hardlink("x", "../etc/passwd")), wantErr: "invalid hardlink x -> ../etc/passwd"},
		{name: "hardlink to missing", data: tarCase(hardlink("x", "y")), wantErr: "target is not an earlier regular file"},
		{name: "device", data: tarCase(ent{name: "dev", typ: tar.TypeChar}), wantErr: "device node dev in archive"},
		{name: "fifo", data: tarCase(ent{name: "p", typ: tar.TypeFifo}), wantErr: "fifo p in archive"},
		{name: "duplicate file", data: tarCase(file("a", "x"), file("a", "y")), wantErr: "duplicate entry a"},
		{name: "truncated archive", data: func(t testing.TB) []byte {
			b := dockerArchive(t, []testImage{{layers: [][]byte{layerA(t)}}})
			return b[:700]
		}, wantErr: "archive is truncated"},
		{name: "archive cut inside a file", data: func(t testing.TB) []byte {
			return dockerArchive(t, []testImage{{layers: [][]byte{layerA(t)}}})[:600]
		}, wantErr: "archive is truncated: unexpected EOF"},
		{name: "no manifest", data: tarCase(file("hello", "x")), wantErr: "neither manifest.json nor an OCI layout"},
		{name: "manifest naming a missing layer", data: missing, wantErr: "manifest references missing layer blobs/sha256/000"},
		{name: "blob digest mismatch", data: tarCase(file(blobPath(digest.FromString("a")), "b")), wantErr: "does not match its digest"},
		{name: "bad blob name", data: tarCase(file("blobs/sha256/xyz", "b")), wantErr: "not named blobs/<algorithm>/<digest>"},
		{name: "diffID mismatch", data: func(t testing.TB) []byte {
			return dockerArchive(t, []testImage{{layers: [][]byte{layerB(t)}, diffIDs: []digest.Digest{digest.FromString("other")}}})
		}, wantErr: "config blobs/sha256/"},
		{name: "layer with device", data: withLayer(func(t testing.TB) []byte { return mkTar(t, ent{name: "dev/null", typ: tar.TypeChar}) }), wantErr: "device node dev/null in layer"},
		{name: "layer escaping", data: withLayer(func(t testing.TB) []byte { return mkTar(t, symlink("evil", "/etc"), file("evil/passwd", "x")) }), wantErr: "goes through symlink evil"},
		{name: "zstd layer", data: withLayer(func(testing.TB) []byte { return []byte{0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4} }), wantErr: "zstd layers are not supported yet"},
		{name: "oci missing blob", data: func(t testing.TB) []byte {
			return mkTar(t, file("oci-layout", `{"imageLayoutVersion":"1.0.0"}`), file("index.json", `{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:`+strings.Repeat("1", 64)+`","size":3}]}`))
		}, wantErr: "index.json references missing blob"},
	}
}

// spool runs Spool into a fresh dir below a fresh parent, and checks on
// every outcome that nothing landed next to dir and, on error, that dir is
// empty again.
func spool(t testing.TB, data []byte) (*Archive, string, error) {
	t.Helper()
	parent := t.TempDir()
	dir := filepath.Join(parent, "spool")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	a, err := Spool(context.Background(), bytes.NewReader(data), dir, ArchiveOptions{})
	checkConfined(t, parent, dir)
	if err != nil {
		if names, _ := os.ReadDir(dir); len(names) > 0 {
			t.Fatalf("Spool failed (%v) but left %v in dir", err, names)
		}
	}
	return a, dir, err
}

// checkConfined asserts the parent holds only dir, and dir holds only
// regular files and directories (no symlink, device or fifo).
func checkConfined(t testing.TB, parent, dir string) {
	t.Helper()
	names, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0].Name() != filepath.Base(dir) {
		t.Fatalf("parent of the spool holds %v", names)
	}
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if m := d.Type(); m != 0 && !m.IsDir() {
			t.Errorf("spool holds %s of type %v", p, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSpool(t *testing.T) {
	for _, tc := range spoolCases() {
		t.Run(tc.name, func(t *testing.T) {
			a, _, err := spool(t, tc.data(t))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("want accepted, got %v", err)
				}
				if len(a.Images) == 0 {
					t.Fatal("no images")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
			}
			if !errdefs.IsInvalidArgument(err) && !errdefs.IsNotImplemented(err) {
				t.Errorf("error is neither InvalidArgument nor NotImplemented: %v", err)
			}
		})
	}
}

func TestSpoolDockerArchiveSharedLayer(t *testing.T) {
	shared, other := layerA(t), layerB(t)
	a, dir, err := spool(t, dockerArchive(t, []testImage{
		{tags: []string{"busybox:latest"}, layers: [][]byte{shared}},
		{tags: []string{"app:1"}, layers: [][]byte{shared, other}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if a.Format != FormatDockerArchive || a.Dir != dir || len(a.Images) != 2 {
		t.Fatalf("got %+v", a)
	}
	if len(a.Layers) != 2 {
		t.Errorf("want 2 distinct layers, got %d", len(a.Layers))
	}
	app := a.Images[1]
	if !slices.Equal(app.RepoTags, []string{"app:1"}) || len(app.Layers) != 2 || app.Layers[0] != a.Images[0].Layers[0] {
		t.Errorf("app image: %+v", app)
	}
	if app.Layers[0] != blobPath(digest.FromBytes(shared)) || a.Layers[app.Layers[0]].Digest != digest.FromBytes(shared) {
		t.Errorf("shared layer path/digest: %s %+v", app.Layers[0], a.Layers[app.Layers[0]])
	}
	if want := digest.FromBytes(other); app.DiffIDs[1] != want {
		t.Errorf("plain layer diffID %s, want %s", app.DiffIDs[1], want)
	}
	cfg, err := os.ReadFile(filepath.Join(dir, app.Config))
	if err != nil || digest.FromBytes(cfg) != app.ConfigDigest {
		t.Errorf("config %s: %v, digest %s", app.Config, err, app.ConfigDigest)
	}
	st, err := os.Stat(filepath.Join(dir, app.Config))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("config mode %v, %v", st.Mode(), err)
	}
}

func TestSpoolLegacySymlinkBecomesFile(t *testing.T) {
	a, dir, err := spool(t, legacyArchive(t, "../aaa/layer.tar"))
	if err != nil {
		t.Fatal(err)
	}
	img := a.Images[0]
	if !slices.Equal(img.Layers, []string{"aaa/layer.tar", "bbb/layer.tar"}) {
		t.Errorf("layers %v", img.Layers)
	}
	fi, err := os.Lstat(filepath.Join(dir, "bbb/layer.tar"))
	if err != nil || !fi.Mode().IsRegular() {
		t.Errorf("bbb/layer.tar: %v %v", fi, err)
	}
}

func TestSpoolOCI(t *testing.T) {
	a, _, err := spool(t, ociArchive(t, []testImage{
		{tags: []string{"docker.io/library/busybox:1"}, layers: [][]byte{layerA(t)}},
		{tags: []string{"app"}, layers: [][]byte{layerA(t), layerB(t)}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if a.Format != FormatOCI || !a.HasOCILayout || len(a.Images) != 2 || len(a.Layers) != 2 {
		t.Fatalf("got %+v", a)
	}
	if img := a.Images[0]; !slices.Equal(img.RepoTags, []string{"docker.io/library/busybox:1"}) || img.Manifest == "" || len(img.DiffIDs) != 1 {
		t.Errorf("image: %+v", img)
	}
}

func TestSpoolRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mine"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Spool(context.Background(), bytes.NewReader(nil), dir, ArchiveOptions{}); err == nil {
		t.Fatal("Spool into a non-empty dir succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "mine")); err != nil {
		t.Fatalf("Spool removed a file it did not write: %v", err)
	}
}

func TestSpoolLimits(t *testing.T) {
	data := dockerArchive(t, []testImage{{layers: [][]byte{layerA(t)}}})
	for _, tc := range []struct {
		opts ArchiveOptions
		want string
	}{
		{ArchiveOptions{MaxFileSize: 10}, "larger than 10 bytes"},
		{ArchiveOptions{MaxSize: 100}, "archive is larger than 100 bytes"},
		{ArchiveOptions{MaxEntries: 1}, "more than 1 entries"},
	} {
		dir := t.TempDir()
		_, err := Spool(context.Background(), bytes.NewReader(data), dir, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: want %q, got %v", tc.opts, tc.want, err)
		}
		if names, _ := os.ReadDir(dir); len(names) > 0 {
			t.Errorf("%+v: left %v", tc.opts, names)
		}
	}
}

func TestValidateArchive(t *testing.T) {
	tmp := t.TempDir()
	a, err := ValidateArchive(context.Background(), bytes.NewReader(ociArchive(t, []testImage{{layers: [][]byte{layerB(t)}}})), ArchiveOptions{TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	if a.Dir != "" || len(a.Images) != 1 {
		t.Errorf("got %+v", a)
	}
	if names, _ := os.ReadDir(tmp); len(names) != 0 {
		t.Errorf("ValidateArchive left %v", names)
	}
	_, err = ValidateArchive(context.Background(), bytes.NewReader(mkTar(t, file("../x", ""))), ArchiveOptions{TempDir: tmp})
	if !errdefs.IsInvalidArgument(err) {
		t.Errorf("want invalid argument, got %v", err)
	}
}

func TestSpoolCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	_, err := Spool(ctx, bytes.NewReader(dockerArchive(t, []testImage{{layers: [][]byte{layerB(t)}}})), dir, ArchiveOptions{})
	if err != context.Canceled {
		t.Errorf("want context.Canceled, got %v", err)
	}
}
