package archive

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"testing"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// ent is one tar entry of a test archive.
type ent struct {
	name string
	typ  byte
	body string
	link string
}

func file(name, body string) ent { return ent{name: name, typ: tar.TypeReg, body: body} }
func dir(name string) ent        { return ent{name: name, typ: tar.TypeDir} }
func symlink(name, to string) ent {
	return ent{name: name, typ: tar.TypeSymlink, link: to}
}
func hardlink(name, to string) ent { return ent{name: name, typ: tar.TypeLink, link: to} }

func mkTar(t testing.TB, ents ...ent) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Linkname: e.link, Mode: 0o644, Size: int64(len(e.body)), Format: tar.FormatPAX}
		if e.typ != tar.TypeReg {
			h.Size = 0
		}
		if e.typ == tar.TypeChar || e.typ == tar.TypeBlock {
			h.Devmajor, h.Devminor = 1, 3
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func blobPath(d digest.Digest) string { return "blobs/sha256/" + d.Encoded() }

// testImage is an image for the archive builders: its layers (already
// compressed or not) and its names.
type testImage struct {
	tags   []string
	layers [][]byte
	// diffIDs overrides the config's rootfs.diff_ids when set.
	diffIDs []digest.Digest
}

func configFor(t testing.TB, img testImage) []byte {
	t.Helper()
	diffIDs := img.diffIDs
	if diffIDs == nil {
		for _, l := range img.layers {
			info, err := ValidateLayer(bytes.NewReader(l))
			if err != nil {
				t.Fatal(err)
			}
			diffIDs = append(diffIDs, info.DiffID)
		}
	}
	cfg := ocispec.Image{
		Platform: ocispec.Platform{Architecture: "amd64", OS: "linux"},
		RootFS:   ocispec.RootFS{Type: "layers", DiffIDs: diffIDs},
		Config:   ocispec.ImageConfig{Cmd: []string{"/bin/sh"}},
	}
	return []byte(mustJSON(t, cfg))
}

// dockerArchive builds a docker save (Docker 25+ layout of blobs, no OCI
// index) with the images given; extra entries are appended.
func dockerArchive(t testing.TB, imgs []testImage, extra ...ent) []byte {
	t.Helper()
	var ents []ent
	have := map[string]bool{}
	add := func(b []byte) string {
		p := blobPath(digest.FromBytes(b))
		if !have[p] {
			have[p] = true
			ents = append(ents, file(p, string(b)))
		}
		return p
	}
	var manifest []dockerManifestItem
	for _, img := range imgs {
		item := dockerManifestItem{RepoTags: img.tags, Config: add(configFor(t, img))}
		for _, l := range img.layers {
			item.Layers = append(item.Layers, add(l))
		}
		manifest = append(manifest, item)
	}
	ents = append(ents, file("manifest.json", mustJSON(t, manifest)))
	ents = append(ents, extra...)
	return mkTar(t, ents...)
}

// ociArchive builds an OCI image layout with one image per testImage,
// each named by an org.opencontainers.image.ref.name annotation.
func ociArchive(t testing.TB, imgs []testImage) []byte {
	t.Helper()
	ents := []ent{dir("blobs/"), dir("blobs/sha256/"), file("oci-layout", `{"imageLayoutVersion":"1.0.0"}`)}
	have := map[string]bool{}
	add := func(b []byte, mt string) ocispec.Descriptor {
		d := ocispec.Descriptor{MediaType: mt, Digest: digest.FromBytes(b), Size: int64(len(b))}
		if p := blobPath(d.Digest); !have[p] {
			have[p] = true
			ents = append(ents, file(p, string(b)))
		}
		return d
	}
	var idx ocispec.Index
	idx.SchemaVersion = 2
	idx.MediaType = ocispec.MediaTypeImageIndex
	for _, img := range imgs {
		m := ocispec.Manifest{MediaType: ocispec.MediaTypeImageManifest, Config: add(configFor(t, img), ocispec.MediaTypeImageConfig)}
		m.SchemaVersion = 2
		for _, l := range img.layers {
			m.Layers = append(m.Layers, add(l, ocispec.MediaTypeImageLayerGzip))
		}
		d := add([]byte(mustJSON(t, m)), ocispec.MediaTypeImageManifest)
		if len(img.tags) > 0 {
			d.Annotations = map[string]string{ocispec.AnnotationRefName: img.tags[0]}
		}
		idx.Manifests = append(idx.Manifests, d)
	}
	ents = append(ents, file("index.json", mustJSON(t, idx)))
	return mkTar(t, ents...)
}
