package containerfs

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/containerd/errdefs"
	"golang.org/x/sys/unix"
)

func lchown(path string, uid, gid int) error { return os.Lchown(path, uid, gid) }

func owner(t *testing.T, path string) (int, int) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid)
}

func TestExtract(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chroot and chown")
	}
	root, canary := makeRoot(t)
	tarball := makeTar(t,
		tar.Header{Name: "new/", Typeflag: tar.TypeDir, Mode: 0o755, Uid: 1234, Gid: 5678},
		tar.Header{Name: "new/x", Typeflag: tar.TypeReg, Linkname: "hello", Uid: 1234, Gid: 5678},
	)
	if err := Extract(root, "/dir", bytes.NewReader(tarball), ExtractOptions{}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "dir/new/x")); err != nil || string(b) != "hello" {
		t.Fatalf("dir/new/x = %q, %v", b, err)
	}
	if u, g := owner(t, filepath.Join(root, "dir/new/x")); u != 0 || g != 0 {
		t.Errorf("without CopyUIDGID owned by %d:%d, want 0:0", u, g)
	}
	if err := Extract(root, "/tmp", bytes.NewReader(tarball), ExtractOptions{CopyUIDGID: true}); err != nil {
		t.Fatal(err)
	}
	if u, g := owner(t, filepath.Join(root, "tmp/new/x")); u != 1234 || g != 5678 {
		t.Errorf("with CopyUIDGID owned by %d:%d, want 1234:5678", u, g)
	}
	// Through a symlink leading out: lands in the root's /tmp.
	if err := Extract(root, "/evil/tmp/", bytes.NewReader(makeTar(t, tar.Header{Name: "y", Typeflag: tar.TypeReg, Linkname: "y"})), ExtractOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "tmp/y")); err != nil {
		t.Error(err)
	}
	checkOutside(t, root, canary)
}

func TestExtractBadDestination(t *testing.T) {
	root, _ := makeRoot(t)
	err := Extract(root, "/etc/passwd", bytes.NewReader(nil), ExtractOptions{})
	if !errdefs.IsInvalidArgument(err) || err.Error() != "extraction point is not a directory" {
		t.Errorf("file: got %v", err)
	}
	if err := Extract(root, "/nope", bytes.NewReader(nil), ExtractOptions{}); !errdefs.IsNotFound(err) {
		t.Errorf("missing: got %v", err)
	}
}

func TestExtractOverwriteDir(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chroot")
	}
	root, _ := makeRoot(t)
	tarball := makeTar(t, tar.Header{Name: "sub", Typeflag: tar.TypeReg, Linkname: "file now"})
	if err := Extract(root, "/dir", bytes.NewReader(tarball), ExtractOptions{}); !errdefs.IsInvalidArgument(err) {
		t.Errorf("replacing a directory by default: got %v", err)
	}
	if err := Extract(root, "/dir", bytes.NewReader(tarball), ExtractOptions{AllowOverwriteDirWithFile: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "dir/sub")); string(b) != "file now" {
		t.Errorf("dir/sub = %q", b)
	}
}

// TestExtractEscapes feeds archives that try to write outside the root.
// Some fail, some are kept inside; none may touch the outside.
func TestExtractEscapes(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chroot")
	}
	cases := map[string]func(canary string) []tar.Header{
		"dotdot": func(string) []tar.Header {
			return []tar.Header{{Name: "../../escaped", Typeflag: tar.TypeReg, Linkname: "x"}}
		},
		"absolute": func(canary string) []tar.Header {
			return []tar.Header{{Name: canary + "/abs", Typeflag: tar.TypeReg, Linkname: "x"}}
		},
		"symlink then file": func(canary string) []tar.Header {
			return []tar.Header{
				{Name: "s", Typeflag: tar.TypeSymlink, Linkname: canary},
				{Name: "s/pwned", Typeflag: tar.TypeReg, Linkname: "x"},
			}
		},
		"relative symlink then file": func(string) []tar.Header {
			return []tar.Header{
				{Name: "r", Typeflag: tar.TypeSymlink, Linkname: "../../../../../../../../.."},
				{Name: "r/pwned", Typeflag: tar.TypeReg, Linkname: "x"},
			}
		},
		"existing symlink then file": func(string) []tar.Header {
			return []tar.Header{{Name: "canary/pwned", Typeflag: tar.TypeReg, Linkname: "x"}}
		},
		"hardlink out": func(canary string) []tar.Header {
			return []tar.Header{{Name: "h", Typeflag: tar.TypeLink, Linkname: "../../../canary"}}
		},
		"hardlink to absolute host path": func(string) []tar.Header {
			return []tar.Header{{Name: "h", Typeflag: tar.TypeLink, Linkname: "/etc/passwd"}}
		},
		"symlink then hardlink through it": func(canary string) []tar.Header {
			return []tar.Header{
				{Name: "s", Typeflag: tar.TypeSymlink, Linkname: filepath.Dir(canary)},
				{Name: "h", Typeflag: tar.TypeLink, Linkname: "s/canary"},
				{Name: "h/pwned", Typeflag: tar.TypeReg, Linkname: "x"},
			}
		},
	}
	for name, hdrs := range cases {
		t.Run(name, func(t *testing.T) {
			root, canary := makeRoot(t)
			err := Extract(root, "/", bytes.NewReader(makeTar(t, hdrs(canary)...)), ExtractOptions{})
			t.Logf("err: %v", err)
			checkOutside(t, root, canary)
			// The host's /etc/passwd must not have been linked in.
			if fi, err := os.Lstat(filepath.Join(root, "h")); err == nil && fi.Mode().IsRegular() {
				if b, _ := os.ReadFile(filepath.Join(root, "h")); string(b) != passwd && len(b) > 0 {
					t.Errorf("h links to a host file: %.40q", b)
				}
			}
		})
	}
}

func TestExtractSkipsDevices(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chroot")
	}
	root, _ := makeRoot(t)
	tarball := makeTar(t,
		tar.Header{Name: "null", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3},
		tar.Header{Name: "sda", Typeflag: tar.TypeBlock, Devmajor: 8, Devminor: 0},
		tar.Header{Name: "fifo", Typeflag: tar.TypeFifo},
		tar.Header{Name: "after", Typeflag: tar.TypeReg, Linkname: "ok"},
	)
	if err := Extract(root, "/tmp", bytes.NewReader(tarball), ExtractOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"null", "sda"} {
		if _, err := os.Lstat(filepath.Join(root, "tmp", n)); !os.IsNotExist(err) {
			t.Errorf("device %s was created (%v)", n, err)
		}
	}
	var st unix.Stat_t
	if err := unix.Lstat(filepath.Join(root, "tmp/fifo"), &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		t.Errorf("fifo: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "tmp/after")); err != nil {
		t.Error(err)
	}
}
