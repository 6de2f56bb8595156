package containers

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	securejoin "github.com/cyphar/filepath-securejoin"
	"golang.org/x/sys/unix"
)

// copyUp gives an empty volume what the container's filesystem has at
// dest (dockerd's copyExistingContents): files, directories, symlinks,
// hard links and fifos with their owners, modes, times and xattrs; the
// volume's root takes the directory's owner and mode. A volume that holds
// anything is left alone, so this happens on the first mount only.
func copyUp(rootfs, dest, vol string) error {
	src, err := securejoin.SecureJoin(rootfs, dest)
	if err != nil {
		return err
	}
	fi, err := os.Lstat(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("cannot mount volume over existing file, file exists %s", dest)
	}
	d, err := os.Open(vol)
	if err != nil {
		return err
	}
	names, err := d.Readdirnames(1)
	d.Close()
	if len(names) > 0 {
		return nil
	}
	if err != nil && err != io.EOF {
		return err
	}
	c := copier{links: map[fileKey]string{}}
	if err := c.tree(src, vol); err != nil {
		return err
	}
	return c.attrs(src, vol, fi)
}

type fileKey struct{ dev, ino uint64 }

// copier copies a tree; links remembers files with several links, so
// hard links stay links.
type copier struct {
	links map[fileKey]string
}

// tree copies the content of the directory src into the existing dst.
func (c *copier) tree(src, dst string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		s, d := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		fi, err := os.Lstat(s)
		if err != nil {
			return err
		}
		if err := c.entry(s, d, fi); err != nil {
			return err
		}
	}
	return nil
}

func (c *copier) entry(src, dst string, fi fs.FileInfo) error {
	st, _ := fi.Sys().(*syscall.Stat_t)
	if st != nil && st.Nlink > 1 && !fi.IsDir() {
		k := fileKey{uint64(st.Dev), st.Ino}
		if first, ok := c.links[k]; ok {
			return os.Link(first, dst)
		}
		c.links[k] = dst
	}
	switch m := fi.Mode(); {
	case m.IsDir():
		if err := os.Mkdir(dst, 0o700); err != nil {
			return err
		}
		if err := c.tree(src, dst); err != nil {
			return err
		}
	case m.IsRegular():
		if err := copyFile(src, dst); err != nil {
			return err
		}
	case m&os.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		if err := os.Symlink(target, dst); err != nil {
			return err
		}
	case m&os.ModeNamedPipe != 0:
		if err := unix.Mkfifo(dst, 0o600); err != nil {
			return err
		}
	case m&os.ModeDevice != 0 && st != nil:
		// A user namespace may not make device nodes: skip them, as the
		// image's own layers do.
		if err := unix.Mknod(dst, uint32(st.Mode), int(st.Rdev)); err != nil {
			return nil
		}
	default:
		return nil // sockets
	}
	return c.attrs(src, dst, fi)
}

// attrs gives dst src's owner, mode, xattrs and times. Owners the user
// namespace does not map are skipped (a single-id mapping has only root).
func (c *copier) attrs(src, dst string, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if err := os.Lchown(dst, int(st.Uid), int(st.Gid)); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.EPERM) {
		return err
	}
	copyXattrs(src, dst)
	if fi.Mode()&os.ModeSymlink == 0 {
		// After the chown, which clears setuid and setgid.
		if err := unix.Chmod(dst, uint32(st.Mode)&0o7777); err != nil {
			return err
		}
	}
	ts := []unix.Timespec{unix.NsecToTimespec(st.Atim.Nano()), unix.NsecToTimespec(st.Mtim.Nano())}
	return unix.UtimesNanoAt(unix.AT_FDCWD, dst, ts, unix.AT_SYMLINK_NOFOLLOW)
}

func copyFile(src, dst string) error {
	in, err := os.OpenFile(src, os.O_RDONLY|unix.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// copyXattrs copies the extended attributes it may read and set; others
// (trusted.*, attributes the filesystem refuses) are left out.
func copyXattrs(src, dst string) {
	sz, err := unix.Llistxattr(src, nil)
	if err != nil || sz <= 0 {
		return
	}
	buf := make([]byte, sz)
	sz, err = unix.Llistxattr(src, buf)
	if err != nil {
		return
	}
	start := 0
	for i := 0; i < sz; i++ {
		if buf[i] != 0 {
			continue
		}
		name := string(buf[start:i])
		start = i + 1
		if name == "" {
			continue
		}
		vsz, err := unix.Lgetxattr(src, name, nil)
		if err != nil || vsz < 0 {
			continue
		}
		val := make([]byte, vsz)
		if vsz, err = unix.Lgetxattr(src, name, val); err != nil {
			continue
		}
		_ = unix.Lsetxattr(dst, name, val[:vsz], 0)
	}
}
