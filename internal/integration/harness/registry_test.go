package harness

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"slices"
	"testing"
)

// TestRegistryPush: test images pushed with plain API calls come back with
// the digests they were built with, with and without htpasswd auth.
func TestRegistryPush(t *testing.T) {
	for _, auth := range []bool{false, true} {
		name := "Open"
		var opts []RegistryOption
		if auth {
			name = "HTPasswd"
			opts = append(opts, WithHTPasswd("bob", "pw"))
		}
		t.Run(name, func(t *testing.T) {
			reg := StartRegistry(t, opts...)
			im := PushTestImage(t, reg, "a/b:v1", 3)
			if got := reg.ConfigDigest(t, "a/b", "v1"); got != im.ID() {
				t.Errorf("ConfigDigest %s, want %s", got, im.ID())
			}
			if got := reg.ManifestDigest(t, "a/b", "v1"); got != im.Manifest.Digest {
				t.Errorf("ManifestDigest %s, want %s", got, im.Manifest.Digest)
			}
			if tags := reg.Tags(t, "a/b"); !slices.Equal(tags, []string{"v1"}) {
				t.Errorf("tags %q", tags)
			}
			oci := NewTestImageOCI(t, "oci", 1)
			reg.Push(t, oci, "a/oci", "latest")
			if got := reg.ConfigDigest(t, "a/oci", "latest"); got != oci.ID() {
				t.Errorf("OCI ConfigDigest %s, want %s", got, oci.ID())
			}
			resp, err := http.Get("http://" + reg.Addr() + "/v2/a/b/tags/list")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if want := map[bool]int{false: 200, true: 401}[auth]; resp.StatusCode != want {
				t.Errorf("anonymous GET: %d, want %d", resp.StatusCode, want)
			}
		})
	}
}

// TestNewTestImage: layers gunzip to their tars and diff IDs, and the
// same seed gives the same image while another seed does not.
func TestNewTestImage(t *testing.T) {
	a, b, c := NewTestImage(t, "s", 2), NewTestImage(t, "s", 2), NewTestImage(t, "other", 2)
	if a.ID() != b.ID() || a.Manifest.Digest != b.Manifest.Digest {
		t.Errorf("same seed, different images: %s %s", a.ID(), b.ID())
	}
	if a.ID() == c.ID() || a.Layers[1].DiffID == c.Layers[1].DiffID || a.Layers[0].DiffID != c.Layers[0].DiffID {
		t.Errorf("seeds should change the config and layer 2, not layer 1")
	}
	for _, l := range a.Layers {
		zr, err := gzip.NewReader(bytes.NewReader(l.Data))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil || Digest(raw) != l.DiffID || !bytes.Equal(raw, l.Tar) || Digest(l.Data) != l.Digest {
			t.Errorf("layer %s: gunzip %v, diff ID mismatch", l.Digest, err)
		}
	}
}
