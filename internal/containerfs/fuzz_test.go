package containerfs

import (
	"archive/tar"
	"bytes"
	"os"
	"testing"
)

// FuzzExtract feeds random bytes as the archive: whatever Extract does
// with them, nothing may appear outside the root.
func FuzzExtract(f *testing.F) {
	if os.Geteuid() != 0 {
		f.Skip("needs root to chroot")
	}
	f.Add(makeTar(f, tar.Header{Name: "../x", Typeflag: tar.TypeReg, Linkname: "x"}))
	f.Add(makeTar(f,
		tar.Header{Name: "s", Typeflag: tar.TypeSymlink, Linkname: "/"},
		tar.Header{Name: "s/../../y", Typeflag: tar.TypeReg, Linkname: "x"}))
	f.Add(makeTar(f,
		tar.Header{Name: "s", Typeflag: tar.TypeSymlink, Linkname: "../.."},
		tar.Header{Name: "s/canary/y", Typeflag: tar.TypeReg, Linkname: "x"}))
	f.Add(makeTar(f, tar.Header{Name: "h", Typeflag: tar.TypeLink, Linkname: "../../canary"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		root, canary := makeRoot(t)
		_ = Extract(root, "/dir", bytes.NewReader(b), ExtractOptions{AllowOverwriteDirWithFile: true})
		checkOutside(t, root, canary)
	})
}

// FuzzExtractEntries builds archives from fuzzed names and link targets,
// which reach far more of the unpacker than random bytes do.
func FuzzExtractEntries(f *testing.F) {
	if os.Geteuid() != 0 {
		f.Skip("needs root to chroot")
	}
	f.Add("s", byte(tar.TypeSymlink), "/", "s/../../x")
	f.Add("h", byte(tar.TypeLink), "../../canary", "h/x")
	f.Add("a/b", byte(tar.TypeSymlink), "../../../..", "a/b/canary/x")
	f.Fuzz(func(t *testing.T, name1 string, typ byte, link1, name2 string) {
		switch typ {
		case tar.TypeReg, tar.TypeSymlink, tar.TypeLink, tar.TypeDir:
		default:
			return
		}
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		h1 := &tar.Header{Name: name1, Typeflag: typ, Linkname: link1, Mode: 0o755}
		if typ == tar.TypeReg || typ == tar.TypeDir {
			h1.Linkname = ""
		}
		if tw.WriteHeader(h1) != nil {
			return
		}
		if tw.WriteHeader(&tar.Header{Name: name2, Typeflag: tar.TypeReg, Mode: 0o644, Size: 1}) != nil {
			return
		}
		tw.Write([]byte("x"))
		tw.Close()
		root, canary := makeRoot(t)
		_ = Extract(root, "/dir", &buf, ExtractOptions{AllowOverwriteDirWithFile: true})
		checkOutside(t, root, canary)
	})
}
