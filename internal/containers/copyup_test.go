package containers

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestCopyUp(t *testing.T) {
	rootfs, vol := t.TempDir(), t.TempDir()
	src := filepath.Join(rootfs, "data")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(src, "sub"), 0o755))
	must(os.Chmod(src, os.ModeSticky|0o777))
	must(os.WriteFile(filepath.Join(src, "sub", "f"), []byte("hello"), 0o640))
	must(os.Chmod(filepath.Join(src, "sub", "f"), os.ModeSetuid|0o750))
	must(os.Symlink("sub/f", filepath.Join(src, "link")))
	must(os.Link(filepath.Join(src, "sub", "f"), filepath.Join(src, "hard")))
	must(syscall.Mkfifo(filepath.Join(src, "fifo"), 0o600))
	must(os.Chmod(filepath.Join(src, "fifo"), 0o620))
	// An absolute symlink in the image resolves inside the rootfs.
	must(os.Symlink("/data", filepath.Join(rootfs, "alias")))

	must(copyUp(rootfs, "/alias", vol))
	b, err := os.ReadFile(filepath.Join(vol, "sub", "f"))
	if err != nil || string(b) != "hello" {
		t.Fatalf("content %q %v", b, err)
	}
	modes := map[string]os.FileMode{
		".":     os.ModeDir | os.ModeSticky | 0o777,
		"sub":   os.ModeDir | 0o755,
		"sub/f": os.ModeSetuid | 0o750,
		"link":  os.ModeSymlink | 0o777,
		"fifo":  os.ModeNamedPipe | 0o620,
		"hard":  os.ModeSetuid | 0o750,
	}
	for p, want := range modes {
		fi, err := os.Lstat(filepath.Join(vol, p))
		if err != nil || fi.Mode() != want {
			t.Errorf("%s: %v %v, want %v", p, fi.Mode(), err, want)
		}
	}
	if target, _ := os.Readlink(filepath.Join(vol, "link")); target != "sub/f" {
		t.Errorf("link -> %s", target)
	}
	a, _ := os.Stat(filepath.Join(vol, "hard"))
	f, _ := os.Stat(filepath.Join(vol, "sub", "f"))
	if !os.SameFile(a, f) {
		t.Error("hard link not kept")
	}

	// A volume with content is left alone.
	must(os.WriteFile(filepath.Join(src, "new"), nil, 0o644))
	must(copyUp(rootfs, "/data", vol))
	if _, err := os.Lstat(filepath.Join(vol, "new")); !os.IsNotExist(err) {
		t.Errorf("copied into a volume with content: %v", err)
	}
	// Nothing at the destination: nothing to copy.
	must(copyUp(rootfs, "/missing", t.TempDir()))
	// A file at the destination cannot take a volume.
	if err := copyUp(rootfs, "/data/sub/f", t.TempDir()); err == nil || !strings.Contains(err.Error(), "cannot mount volume over existing file") {
		t.Errorf("file: %v", err)
	}
}
