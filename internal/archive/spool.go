package archive

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/opencontainers/go-digest"
)

// ArchiveOptions bounds what Spool and ValidateArchive accept. Zero values
// mean no limit.
type ArchiveOptions struct {
	// Layer is the policy for entries of the layers inside the archive.
	Layer LayerOptions
	// MaxFileSize bounds one file of the archive, MaxSize all of them
	// together, MaxEntries the number of tar headers: the spool is disk the
	// engine pays for, so the engine may cap it.
	MaxFileSize int64
	MaxSize     int64
	MaxEntries  int
	// TempDir is where ValidateArchive spools; "" is os.TempDir().
	TempDir string
}

// spooled is what Spool knows about one path it created.
type spooled struct {
	kind   kind
	digest digest.Digest // of the content, for regular files
	size   int64
}

// symlinkEntry is an archive symlink, resolved once the whole tar is read
// because docker save may write a link before the file it points to.
type symlinkEntry struct{ name, target string }

// maxSymlinkHops bounds chains of archive symlinks, as the kernel's 40.
const maxSymlinkHops = 40

// ValidateArchive checks an image archive (docker-archive or OCI archive,
// plain or gzip/bzip2-compressed) completely, including every layer in it.
// It needs random access to follow the manifest, so it spools the archive
// into a temporary directory under opts.TempDir and removes it before it
// returns; the returned Archive has an empty Dir. Use Spool to keep the
// files for an import.
func ValidateArchive(ctx context.Context, r io.Reader, opts ArchiveOptions) (*Archive, error) {
	dir, err := os.MkdirTemp(opts.TempDir, "skiff-load-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	a, err := Spool(ctx, r, dir, opts)
	if err != nil {
		return nil, err
	}
	a.Dir = ""
	return a, nil
}

// Spool writes the archive read from r into dir, which must exist and be
// empty, checks it, parses its manifest and validates every layer it names.
//
// Writing never follows a symlink and never leaves dir: it goes through an
// os.Root, files are created O_EXCL|O_NOFOLLOW with mode 0600 and
// directories 0700. Archive entries may only be regular files, directories,
// hard links to earlier files and symlinks that resolve, inside the
// archive, to a regular file (docker save before 25 links a shared
// <id>/layer.tar to ../<other>/layer.tar); a symlink is written as a hard
// link to its target, so nothing in dir is a symlink. Files under
// blobs/<alg>/ must match their digest.
//
// On any error Spool removes everything it wrote to dir.
func Spool(ctx context.Context, r io.Reader, dir string, opts ArchiveOptions) (a *Archive, err error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	if err := checkEmpty(root); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			if cerr := clean(root); cerr != nil {
				err = fmt.Errorf("%w (and removing the spool: %v)", err, cerr)
			}
		}
	}()
	s := &spooler{ctx: ctx, root: root, opts: opts, files: map[string]*spooled{"": {kind: kindDir}}}
	if err := s.read(r); err != nil {
		return nil, err
	}
	if err := s.resolveSymlinks(); err != nil {
		return nil, err
	}
	a, err = s.parse()
	if err != nil {
		return nil, err
	}
	a.Dir = dir
	return a, nil
}

func checkEmpty(root *os.Root) error {
	d, err := root.Open(".")
	if err != nil {
		return err
	}
	defer d.Close()
	names, err := d.Readdirnames(1)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if len(names) > 0 {
		return fmt.Errorf("spool directory %s is not empty", root.Name())
	}
	return nil
}

// clean empties the spool; dir was empty before, so all of it is ours.
func clean(root *os.Root) error {
	d, err := root.Open(".")
	if err != nil {
		return err
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range names {
		errs = append(errs, root.RemoveAll(n))
	}
	return errors.Join(errs...)
}

type spooler struct {
	ctx      context.Context
	root     *os.Root
	opts     ArchiveOptions
	files    map[string]*spooled // every path written, "" is dir itself
	symlinks []symlinkEntry
	total    int64
	layers   map[string]LayerInfo
	walked   map[digest.Digest][]int // OCI blobs walked -> images they gave
}

// archiveName checks and cleans an archive entry name. Unlike a layer,
// an archive has no reason for a leading "/" or any "..": refuse them.
func archiveName(name string) (string, error) {
	if name == "" {
		return "", invalidf("archive entry with an empty name")
	}
	if strings.HasPrefix(name, "/") {
		return "", invalidf("archive entry %q has an absolute path", name)
	}
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return "", invalidf("archive entry %q is outside of the archive", name)
		}
	}
	clean := path.Clean(name)
	if clean == "." {
		clean = ""
	}
	return clean, nil
}

func (s *spooler) read(r io.Reader) error {
	br := bufio.NewReader(r)
	dr, _, err := decompress(br, "archive")
	if err != nil {
		return err
	}
	tail := &tailReader{r: dr}
	tr := tar.NewReader(tail)
	entries := 0
	for {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			// archive/tar also ends cleanly when the stream stops between
			// entries; docker save always writes the zero blocks, so their
			// absence means the upload was cut.
			if !tail.endsWithZeroBlock() {
				return invalidWrap(io.ErrUnexpectedEOF, "archive is truncated (no end-of-archive marker)")
			}
			return nil
		}
		if err != nil {
			return readError(err, "archive")
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		entries++
		if s.opts.MaxEntries > 0 && entries > s.opts.MaxEntries {
			return invalidf("archive has more than %d entries", s.opts.MaxEntries)
		}
		if err := s.entry(hdr, tr); err != nil {
			return err
		}
	}
}

func (s *spooler) entry(hdr *tar.Header, tr *tar.Reader) error {
	name, err := archiveName(hdr.Name)
	if err != nil {
		return err
	}
	if name == "" {
		if hdr.Typeflag != tar.TypeDir {
			return invalidf("archive entry %q names the archive root but is not a directory", hdr.Name)
		}
		return nil
	}
	if err := s.checkParents(name); err != nil {
		return err
	}
	if prev, ok := s.files[name]; ok && (prev.kind != kindDir || hdr.Typeflag != tar.TypeDir) {
		return invalidf("archive has duplicate entry %s", name)
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := s.mkdirAll(name); err != nil {
			return err
		}
	case tar.TypeReg:
		if err := s.mkdirAll(path.Dir(name)); err != nil {
			return err
		}
		return s.writeFile(name, hdr.Size, tr)
	case tar.TypeLink:
		target, err := archiveName(hdr.Linkname)
		if err != nil {
			return invalidWrap(err, "invalid hardlink %s -> %s", name, hdr.Linkname)
		}
		f := s.files[target]
		if f == nil || f.kind != kindFile {
			return invalidf("invalid hardlink %s -> %s: target is not an earlier regular file of the archive", name, hdr.Linkname)
		}
		if err := s.mkdirAll(path.Dir(name)); err != nil {
			return err
		}
		if err := s.root.Link(target, name); err != nil {
			return err
		}
		if err := s.checkBlob(name, f.size, f.digest); err != nil {
			return err
		}
		s.files[name] = &spooled{kind: kindFile, digest: f.digest, size: f.size}
	case tar.TypeSymlink:
		if hdr.Linkname == "" || path.IsAbs(hdr.Linkname) {
			return invalidf("invalid symlink %s -> %s: archive symlinks must be relative", name, hdr.Linkname)
		}
		if _, err := archiveName(path.Join(path.Dir(name), hdr.Linkname)); err != nil || path.Clean(path.Join(path.Dir(name), hdr.Linkname)) == "." {
			return invalidf("invalid symlink %s -> %s: target is outside of the archive", name, hdr.Linkname)
		}
		s.files[name] = &spooled{kind: kindSymlink}
		s.symlinks = append(s.symlinks, symlinkEntry{name: name, target: hdr.Linkname})
	case tar.TypeChar, tar.TypeBlock:
		return invalidf("device node %s in archive", name)
	case tar.TypeFifo:
		return invalidf("fifo %s in archive", name)
	default:
		return invalidf("archive entry %s has unsupported type %q", name, string(hdr.Typeflag))
	}
	return nil
}

// checkParents refuses an entry below an archive symlink or file: writing
// through it would land where the link points.
func (s *spooler) checkParents(name string) error {
	var err error
	parents(name, func(p string) bool {
		if f := s.files[p]; f != nil {
			switch f.kind {
			case kindSymlink:
				err = invalidf("archive entry %s goes through symlink %s", name, p)
			case kindFile:
				err = invalidf("archive entry %s is below non-directory %s", name, p)
			}
		}
		return err == nil
	})
	return err
}

// mkdirAll creates name and its missing parents, 0700, recording each.
func (s *spooler) mkdirAll(name string) error {
	if name == "." || name == "" {
		return nil
	}
	if f := s.files[name]; f != nil && f.kind == kindDir {
		return nil
	}
	if err := s.mkdirAll(path.Dir(name)); err != nil {
		return err
	}
	if err := s.root.Mkdir(name, 0o700); err != nil {
		return err
	}
	s.files[name] = &spooled{kind: kindDir}
	return nil
}

// blobHasher returns the hash for a file: its blob algorithm under
// blobs/<alg>/, sha256 elsewhere (layer and config digests are sha256).
func blobHasher(name string) (digest.Algorithm, hash.Hash) {
	if strings.HasPrefix(name, "blobs/sha512/") {
		return digest.SHA512, sha512.New()
	}
	return digest.SHA256, sha256.New()
}

func (s *spooler) writeFile(name string, size int64, r io.Reader) error {
	if s.opts.MaxFileSize > 0 && size > s.opts.MaxFileSize {
		return invalidf("archive entry %s is larger than %d bytes", name, s.opts.MaxFileSize)
	}
	if s.opts.MaxSize > 0 && s.total+size > s.opts.MaxSize {
		return invalidf("archive is larger than %d bytes", s.opts.MaxSize)
	}
	s.total += size
	// O_EXCL never follows a symlink at name; O_NOFOLLOW says so again for
	// anyone who later drops O_EXCL.
	f, err := s.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return err
	}
	s.files[name] = &spooled{kind: kindFile} // recorded before the copy: clean removes it on error anyway
	alg, h := blobHasher(name)
	n, err := io.Copy(io.MultiWriter(f, h), srcReader{s.ctx, r})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	d := digest.NewDigest(alg, h)
	s.files[name] = &spooled{kind: kindFile, digest: d, size: n}
	return s.checkBlob(name, n, d)
}

// checkBlob verifies that a file under blobs/ is named for its content.
func (s *spooler) checkBlob(name string, size int64, d digest.Digest) error {
	if !strings.HasPrefix(name, "blobs/") {
		return nil
	}
	parts := strings.Split(name, "/")
	if len(parts) != 3 {
		return invalidf("archive blob %s is not named blobs/<algorithm>/<digest>", name)
	}
	want := digest.NewDigestFromEncoded(digest.Algorithm(parts[1]), parts[2])
	if err := want.Validate(); err != nil {
		return invalidWrap(err, "archive blob %s is not named blobs/<algorithm>/<digest>", name)
	}
	if want.Algorithm() != d.Algorithm() {
		return invalidf("archive blob %s uses unsupported digest algorithm %s", name, want.Algorithm())
	}
	if want != d {
		return invalidf("archive blob %s does not match its digest (content is %s)", name, d)
	}
	return nil
}

// resolveSymlinks turns each archive symlink into a hard link to the
// regular file it resolves to, or fails.
func (s *spooler) resolveSymlinks() error {
	targets := map[string]string{}
	for _, l := range s.symlinks {
		targets[l.name] = l.target
	}
	for _, l := range s.symlinks {
		cur := l.name
		for hop := 0; ; hop++ {
			if hop == maxSymlinkHops {
				return invalidf("archive symlink %s: too many levels of symbolic links", l.name)
			}
			next, err := archiveName(path.Join(path.Dir(cur), targets[cur]))
			if err != nil || next == "" {
				return invalidf("invalid symlink %s -> %s: target is outside of the archive", l.name, l.target)
			}
			if err := s.checkParents(next); err != nil {
				return invalidWrap(err, "invalid symlink %s -> %s", l.name, l.target)
			}
			f := s.files[next]
			if f == nil {
				return invalidf("invalid symlink %s -> %s: target is missing from the archive", l.name, l.target)
			}
			if f.kind == kindSymlink {
				cur = next
				continue
			}
			if f.kind != kindFile {
				return invalidf("invalid symlink %s -> %s: target is not a regular file", l.name, l.target)
			}
			if err := s.mkdirAll(path.Dir(l.name)); err != nil {
				return err
			}
			if err := s.root.Link(next, l.name); err != nil {
				return err
			}
			if err := s.checkBlob(l.name, f.size, f.digest); err != nil {
				return err
			}
			s.files[l.name] = &spooled{kind: kindFile, digest: f.digest, size: f.size}
			break
		}
	}
	return nil
}

// srcReader reads an entry's content: it stops a long copy when the request
// is cancelled, and words errors of the input stream (truncation, bad gzip
// checksum) as bad input, so they are told from write errors of the spool.
type srcReader struct {
	ctx context.Context
	r   io.Reader
}

func (c srcReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		err = readError(err, "archive")
	}
	return n, err
}

// tailReader remembers the last block read, to tell a tar stream that ends
// with its end-of-archive marker from one cut between entries.
type tailReader struct {
	r    io.Reader
	tail []byte
}

func (t *tailReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n >= 512 {
		t.tail = append(t.tail[:0], p[n-512:n]...)
	} else if n > 0 {
		t.tail = append(t.tail, p[:n]...)
		if len(t.tail) > 512 {
			t.tail = append(t.tail[:0], t.tail[len(t.tail)-512:]...)
		}
	}
	return n, err
}

func (t *tailReader) endsWithZeroBlock() bool {
	if len(t.tail) < 512 {
		return false
	}
	for _, b := range t.tail {
		if b != 0 {
			return false
		}
	}
	return true
}
