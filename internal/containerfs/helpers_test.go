package containerfs

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

const passwd = "root:x:0:0:container:/root:/bin/sh\n"

// makeRoot builds a small container root next to an empty canary
// directory, both alone in a parent directory, so a test can tell whether
// anything was written outside the root.
func makeRoot(t testing.TB) (root, canary string) {
	t.Helper()
	parent := t.TempDir()
	root, canary = filepath.Join(parent, "root"), filepath.Join(parent, "canary")
	for _, d := range []string{"etc", "dir/sub", "tmp", canary} {
		p := d
		if !filepath.IsAbs(d) {
			p = filepath.Join(root, d)
		}
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{"etc/passwd": passwd, "dir/a": "aaa", "dir/sub/b": "bb"}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"link":    "/etc/passwd",
		"evil":    "/",
		"up":      "../../../../../../..",
		"dirlink": "dir",
		"canary":  canary, // the host path of the canary
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	return root, canary
}

// checkOutside fails if anything but root and an empty canary is in
// root's parent directory.
func checkOutside(t testing.TB, root, canary string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(root))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("written outside the root: %v", names)
	}
	if c, _ := os.ReadDir(canary); len(c) != 0 {
		t.Fatalf("written into the canary: %s", c[0].Name())
	}
}

type entry struct {
	hdr  tar.Header
	data string
}

// readTar lists an archive's entries by name.
func readTar(t *testing.T, r io.Reader) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out[h.Name] = entry{*h, string(b)}
	}
}

func names(m map[string]entry) []string {
	var s []string
	for n := range m {
		s = append(s, n)
	}
	sort.Strings(s)
	return s
}

// makeTar builds an archive from headers; a regular file's content is its
// Linkname field's value, which the header then drops.
func makeTar(t testing.TB, hdrs ...tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range hdrs {
		data := ""
		if h.Typeflag == tar.TypeReg {
			data, h.Linkname = h.Linkname, ""
			h.Size = int64(len(data))
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
