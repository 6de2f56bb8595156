package harness

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestImageCreated is the creation time of every test image and its history.
var TestImageCreated = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// BusyboxApplets are the commands layer 1 links to /bin/busybox.
var BusyboxApplets = []string{"sh", "ls", "cat", "echo", "true", "false", "sleep", "id", "env", "mkdir", "rm", "touch", "wc", "head", "grep", "sed", "printf", "uname", "hostname", "ps", "date", "stat", "test", "readlink", "mount", "unshare", "kill", "ln", "tar", "top", "awk", "cut", "tr", "sort", "pwd", "basename", "dirname", "sync", "nproc", "whoami"}

// Blob is one content-addressed blob of a test image.
type Blob struct {
	MediaType string
	// Digest is "sha256:<hex>" of Data.
	Digest string
	Data   []byte
	// DiffID (layers only) is the digest of the uncompressed tar; Tar is that tar.
	DiffID string
	Tar    []byte
}

// TestImage is image material built in memory, without any daemon: a
// config, gzip layers and a Docker schema2 (or OCI) manifest.
type TestImage struct {
	Config   Blob
	Layers   []Blob
	Manifest Blob
}

// ID is the image ID a daemon must report: the config digest.
func (im *TestImage) ID() string { return im.Config.Digest }

// Digest is "sha256:<hex>" of b.
func Digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// TarEntry is one member of a tar built by Tar; Hdr.Size is set from Body.
type TarEntry struct {
	Hdr  tar.Header
	Body []byte
}

// FileEntry is a regular file (mode 0644, root-owned).
func FileEntry(name, body string) TarEntry {
	return TarEntry{Hdr: tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, ModTime: TestImageCreated}, Body: []byte(body)}
}

// DirEntry is a directory (mode 0755).
func DirEntry(name string) TarEntry {
	return TarEntry{Hdr: tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimSuffix(name, "/") + "/", Mode: 0o755, ModTime: TestImageCreated}}
}

// SymlinkEntry is a symbolic link name -> target.
func SymlinkEntry(name, target string) TarEntry {
	return TarEntry{Hdr: tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777, ModTime: TestImageCreated}}
}

// Tar writes entries, in order, as an uncompressed tar.
func Tar(t testing.TB, entries ...TarEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := e.Hdr
		if h.Typeflag == tar.TypeReg || h.Typeflag == 0 {
			h.Size = int64(len(e.Body))
		}
		if h.ModTime.IsZero() {
			h.ModTime = TestImageCreated
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatalf("tar header %q: %v", h.Name, err)
		}
		if len(e.Body) > 0 {
			if _, err := tw.Write(e.Body); err != nil {
				t.Fatalf("tar body %q: %v", h.Name, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Gzip compresses b (no name, no mtime: the same input gives the same bytes).
func Gzip(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

var (
	busyboxOnce sync.Once
	busyboxTar  []byte
	busyboxErr  error
)

// BusyboxLayer is the uncompressed tar of a minimal rootfs: /bin/busybox
// with BusyboxApplets linked to it, /etc/passwd and /etc/group (root,
// nobody), /tmp, /root. The same bytes every time.
func BusyboxLayer(t testing.TB) []byte {
	t.Helper()
	busyboxOnce.Do(func() {
		bin, err := os.ReadFile("/bin/busybox")
		if err != nil {
			busyboxErr = fmt.Errorf("reading /bin/busybox (apt-get install busybox-static): %v", err)
			return
		}
		es := []TarEntry{DirEntry("bin"), {Hdr: tar.Header{Typeflag: tar.TypeReg, Name: "bin/busybox", Mode: 0o755}, Body: bin}}
		for _, a := range BusyboxApplets {
			es = append(es, SymlinkEntry("bin/"+a, "busybox"))
		}
		es = append(es,
			DirEntry("etc"),
			FileEntry("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
			FileEntry("etc/group", "root:x:0:\nnobody:x:65534:\n"),
			TarEntry{Hdr: tar.Header{Typeflag: tar.TypeDir, Name: "root/", Mode: 0o700}},
			TarEntry{Hdr: tar.Header{Typeflag: tar.TypeDir, Name: "tmp/", Mode: 0o1777}},
		)
		busyboxTar = Tar(t, es...)
	})
	if busyboxErr != nil {
		t.Fatal(busyboxErr)
	}
	return busyboxTar
}

// NewTestImage builds a Docker schema2 image of n layers (n >= 1): the
// busybox rootfs, then n-1 layers of small files that depend on seed, and
// Cmd ["sh"]. The seed is also a label, so different seeds give different
// image IDs even with one layer.
func NewTestImage(t testing.TB, seed string, n int) *TestImage {
	t.Helper()
	return newTestImage(t, seed, n, false)
}

// NewTestImageOCI is NewTestImage with OCI media types.
func NewTestImageOCI(t testing.TB, seed string, n int) *TestImage {
	t.Helper()
	return newTestImage(t, seed, n, true)
}

func newTestImage(t testing.TB, seed string, n int, oci bool) *TestImage {
	t.Helper()
	if n < 1 {
		t.Fatalf("NewTestImage: %d layers, want at least 1", n)
	}
	tars := [][]byte{BusyboxLayer(t)}
	for i := 2; i <= n; i++ {
		dir := fmt.Sprintf("layer%d", i)
		tars = append(tars, Tar(t,
			DirEntry(dir),
			FileEntry(dir+"/seed", seed+"\n"),
			FileEntry(dir+"/data", strings.Repeat(fmt.Sprintf("layer %d of %s\n", i, seed), 64)),
		))
	}
	return ImageFromTars(t, seed, oci, tars...)
}

// ImageFromTars builds an image whose layers are these uncompressed tars
// (gzipped here), labelled with seed; oci picks OCI over Docker media types.
// Tests craft bad layers with it.
func ImageFromTars(t testing.TB, seed string, oci bool, tars ...[]byte) *TestImage {
	t.Helper()
	mtManifest, mtConfig, mtLayer := MediaTypeDockerManifest, MediaTypeDockerConfig, MediaTypeDockerLayer
	if oci {
		mtManifest, mtConfig, mtLayer = MediaTypeOCIManifest, MediaTypeOCIConfig, MediaTypeOCILayer
	}
	im := &TestImage{}
	type hist struct {
		Created    time.Time `json:"created"`
		CreatedBy  string    `json:"created_by"`
		EmptyLayer bool      `json:"empty_layer,omitempty"`
	}
	var diffIDs []string
	var history []hist
	for i, tb := range tars {
		gz := Gzip(t, tb)
		l := Blob{MediaType: mtLayer, Digest: Digest(gz), Data: gz, DiffID: Digest(tb), Tar: tb}
		im.Layers = append(im.Layers, l)
		diffIDs = append(diffIDs, l.DiffID)
		what := "busybox rootfs in / "
		if i > 0 {
			what = fmt.Sprintf("layer%d files in /layer%d/ ", i+1, i+1)
		}
		history = append(history, hist{Created: TestImageCreated, CreatedBy: "/bin/sh -c #(nop) ADD " + what})
	}
	history = append(history, hist{Created: TestImageCreated, CreatedBy: `/bin/sh -c #(nop)  CMD ["sh"]`, EmptyLayer: true})
	type imgConfig struct {
		Env    []string          `json:"Env"`
		Cmd    []string          `json:"Cmd"`
		Labels map[string]string `json:"Labels"`
	}
	cfg := struct {
		Architecture string    `json:"architecture"`
		OS           string    `json:"os"`
		Created      time.Time `json:"created"`
		Config       imgConfig `json:"config"`
		RootFS       struct {
			Type    string   `json:"type"`
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
		History []hist `json:"history"`
	}{Architecture: runtime.GOARCH, OS: "linux", Created: TestImageCreated, History: history}
	cfg.Config = imgConfig{
		Env:    []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
		Cmd:    []string{"sh"},
		Labels: map[string]string{"org.skiff.test.seed": seed},
	}
	cfg.RootFS.Type, cfg.RootFS.DiffIDs = "layers", diffIDs
	cb, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	im.Config = Blob{MediaType: mtConfig, Digest: Digest(cb), Data: cb}

	type desc struct {
		MediaType string `json:"mediaType"`
		Size      int    `json:"size"`
		Digest    string `json:"digest"`
	}
	m := struct {
		SchemaVersion int    `json:"schemaVersion"`
		MediaType     string `json:"mediaType"`
		Config        desc   `json:"config"`
		Layers        []desc `json:"layers"`
	}{SchemaVersion: 2, MediaType: mtManifest, Config: desc{mtConfig, len(cb), im.Config.Digest}}
	for _, l := range im.Layers {
		m.Layers = append(m.Layers, desc{l.MediaType, len(l.Data), l.Digest})
	}
	mb, err := json.MarshalIndent(m, "", "   ")
	if err != nil {
		t.Fatal(err)
	}
	im.Manifest = Blob{MediaType: mtManifest, Digest: Digest(mb), Data: mb}
	return im
}

// ArchiveEntries are the members of `docker save`'s format (docker-archive)
// for the image: manifest.json, <config hex>.json and <diff id hex>/layer.tar
// (uncompressed), tagged repoTags. Tests edit them to make bad archives.
func (im *TestImage) ArchiveEntries(t testing.TB, repoTags ...string) []TarEntry {
	t.Helper()
	cfgName := strings.TrimPrefix(im.Config.Digest, "sha256:") + ".json"
	var layers []string
	es := []TarEntry{FileEntry(cfgName, string(im.Config.Data))}
	for _, l := range im.Layers {
		dir := strings.TrimPrefix(l.DiffID, "sha256:")
		es = append(es, DirEntry(dir), FileEntry(dir+"/layer.tar", string(l.Tar)))
		layers = append(layers, dir+"/layer.tar")
	}
	if repoTags == nil {
		repoTags = []string{}
	}
	mf, err := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": repoTags, "Layers": layers}})
	if err != nil {
		t.Fatal(err)
	}
	return append(es, FileEntry("manifest.json", string(mf)))
}

// DockerArchive is the image as `docker save` writes it, tagged repoTags.
func (im *TestImage) DockerArchive(t testing.TB, repoTags ...string) []byte {
	t.Helper()
	return Tar(t, im.ArchiveEntries(t, repoTags...)...)
}

// Push uploads the image's blobs and puts its manifest as repo:tag, with
// plain registry API calls, and checks the registry's manifest digest.
func (r *Registry) Push(t testing.TB, im *TestImage, repo, tag string) {
	t.Helper()
	for _, b := range append([]Blob{im.Config}, im.Layers...) {
		r.pushBlob(t, repo, b)
	}
	h := http.Header{"Content-Type": {im.Manifest.MediaType}}
	resp, body, err := r.do("PUT", "/v2/"+repo+"/manifests/"+tag, h, bytes.NewReader(im.Manifest.Data), int64(len(im.Manifest.Data)))
	if err != nil {
		t.Fatalf("registry PUT manifest %s:%s: %v", repo, tag, err)
	}
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("registry PUT manifest %s:%s: %s: %s", repo, tag, resp.Status, body)
	}
	if got := resp.Header.Get("Docker-Content-Digest"); got != im.Manifest.Digest {
		t.Fatalf("registry stored manifest %s:%s as %s, want %s", repo, tag, got, im.Manifest.Digest)
	}
}

func (r *Registry) pushBlob(t testing.TB, repo string, b Blob) {
	t.Helper()
	if resp, _, err := r.do("HEAD", "/v2/"+repo+"/blobs/"+b.Digest, nil, nil, -1); err == nil && resp.StatusCode == http.StatusOK {
		return
	}
	resp, body, err := r.do("POST", "/v2/"+repo+"/blobs/uploads/", nil, nil, 0)
	if err != nil {
		t.Fatalf("registry POST upload to %s: %v", repo, err)
	}
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("registry POST upload to %s: %s: %s", repo, resp.Status, body)
	}
	loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("registry upload Location %q: %v", resp.Header.Get("Location"), err)
	}
	q := loc.Query()
	q.Set("digest", b.Digest)
	loc.RawQuery = q.Encode()
	h := http.Header{"Content-Type": {"application/octet-stream"}}
	resp, body, err = r.do("PUT", loc.String(), h, bytes.NewReader(b.Data), int64(len(b.Data)))
	if err != nil {
		t.Fatalf("registry PUT blob %s to %s: %v", b.Digest, repo, err)
	}
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("registry PUT blob %s to %s: %s: %s", b.Digest, repo, resp.Status, body)
	}
}

// PushTestImage builds NewTestImage(seed: the registry address and
// repoTag, so each registry's images are distinct) with n layers, pushes
// it as repoTag ("repo:tag") and returns it: ID() is the config digest the
// daemon must report, Manifest.Digest the digest in its RepoDigests.
func PushTestImage(t testing.TB, reg *Registry, repoTag string, n int) *TestImage {
	t.Helper()
	repo, tag, ok := strings.Cut(repoTag, ":")
	if !ok {
		tag = "latest"
	}
	im := NewTestImage(t, reg.Addr()+"/"+repoTag, n)
	reg.Push(t, im, repo, tag)
	return im
}
