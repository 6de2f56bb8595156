package archive

import (
	"archive/tar"
	"bufio"
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	"path"
	"strings"

	"github.com/opencontainers/go-digest"
)

// Whiteout names, as in the OCI image spec and moby's pkg/archive.
const (
	whiteoutPrefix = ".wh."
	whiteoutOpaque = ".wh..wh..opq"
)

// LayerOptions is the policy for entries that are well-formed but that the
// engine may not be able to create.
type LayerOptions struct {
	// AllowDevices accepts char and block device nodes. Docker creates them
	// when it runs as root; rootless storage cannot mknod, so by default a
	// layer with devices is refused up front instead of half-unpacked.
	AllowDevices bool
	// AllowFifos accepts named pipes. They are harmless, but rare enough in
	// user-supplied layers that the default refuses them with the devices.
	AllowFifos bool
}

// LayerInfo describes a layer stream that passed validation.
type LayerInfo struct {
	// DiffID is the sha256 of the uncompressed tar stream, as the image
	// config's rootfs.diff_ids lists it.
	DiffID digest.Digest
	// Digest is the sha256 of the bytes as read (compressed, if they were).
	Digest digest.Digest
	// Compression is what the stream was compressed with.
	Compression Compression
	// Size and UncompressedSize count the bytes of the two streams.
	Size             int64
	UncompressedSize int64
	// Entries counts tar headers, PAX global headers excluded.
	Entries int
	// AbsoluteNames counts entries named with a leading "/". moby's
	// UnpackLayer tolerates them (path.Clean, then joined under the layer
	// root) and so does skiff; they are counted so the engine can log them.
	AbsoluteNames int
}

// ValidateLayer reads a whole layer stream (plain tar, gzip or bzip2;
// zstd and xz are detected and refused) with the default, strict
// LayerOptions. See LayerOptions.Validate.
func ValidateLayer(r io.Reader) (LayerInfo, error) {
	return LayerOptions{}.Validate(r)
}

// counter hashes and counts what passes through it.
type counter struct {
	h hash.Hash
	n int64
}

func newCounter() *counter { return &counter{h: sha256.New()} }

func (c *counter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.h.Write(p)
}

func (c *counter) digest() digest.Digest { return digest.NewDigest(digest.SHA256, c.h) }

// kind is what a path in an archive or layer was last declared to be.
type kind uint8

const (
	kindDir kind = iota + 1
	kindFile
	kindSymlink
	kindSpecial  // device or fifo: a valid hard link target, nothing more
	kindWhiteout // a whiteout marker is not a file in the unpacked layer
)

// Validate reads the whole layer stream and checks every entry:
//
//   - names are cleaned like moby's UnpackLayer does; a name that still
//     climbs out ("../x", "a/../../x") is refused, a leading "/" is
//     tolerated and means the layer root (moby joins it under dest);
//   - no entry may sit below a symlink or a non-directory declared earlier
//     in the same layer: that is how "evil -> /etc" then "evil/passwd"
//     writes through a link;
//   - hard links must name an earlier regular file (or special file) of
//     this layer, not a directory, a symlink or nothing;
//   - symlink targets are free when absolute (they resolve inside the
//     container's root: /bin/sh -> busybox, /lib -> usr/lib) and must not
//     climb above the layer root when relative, as moby's createTarFile
//     checks with filepath.Join(dir(path), linkname);
//   - devices and fifos follow o; other entry types are refused.
//
// The whole stream is read, padding included, so the digests in LayerInfo
// are those of the full stream.
func (o LayerOptions) Validate(r io.Reader) (LayerInfo, error) {
	var info LayerInfo
	raw := newCounter()
	br := bufio.NewReader(io.TeeReader(r, raw))
	dr, c, err := decompress(br, "layer")
	info.Compression = c
	if err != nil {
		return info, err
	}
	plain := newCounter()
	tr := tar.NewReader(io.TeeReader(dr, plain))
	seen := map[string]kind{"": kindDir}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return info, readError(err, "layer")
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue // carries no file; moby ignores it too
		}
		info.Entries++
		if strings.HasPrefix(hdr.Name, "/") {
			info.AbsoluteNames++
		}
		if err := o.checkEntry(hdr, seen); err != nil {
			return info, err
		}
	}
	// Drain the end-of-archive blocks and padding so the diffID covers the
	// whole stream; the gzip reader then checks its trailer.
	if _, err := io.Copy(io.Discard, io.TeeReader(dr, plain)); err != nil {
		return info, readError(err, "layer")
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return info, readError(err, "layer")
	}
	info.DiffID, info.Digest = plain.digest(), raw.digest()
	info.UncompressedSize, info.Size = plain.n, raw.n
	if c == None {
		info.DiffID = info.Digest // same bytes; keep the two consistent
	}
	return info, nil
}

// readError words a tar or decompression failure; truncation keeps
// io.ErrUnexpectedEOF reachable through errors.Is.
func readError(err error, what string) error {
	var ie *inputError
	if errors.As(err, &ie) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return invalidWrap(err, "%s is truncated", what)
	}
	return invalidWrap(err, "%s is not a valid tar stream", what)
}

// layerName cleans a layer entry name the way moby's UnpackLayer does and
// returns it relative to the layer root ("" is the root itself).
func layerName(name string) (string, bool) {
	clean := path.Clean(name)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", false
	}
	clean = strings.TrimPrefix(clean, "/")
	if clean == "." {
		clean = ""
	}
	return clean, true
}

// parents yields the proper ancestors of a cleaned relative name, root-most
// first ("a", "a/b" for "a/b/c").
func parents(name string, yield func(string) bool) {
	for i := 0; i < len(name); i++ {
		if name[i] == '/' && !yield(name[:i]) {
			return
		}
	}
}

// checkParents refuses a name below a symlink or non-directory in seen.
func checkParents(name string, seen map[string]kind, what string) error {
	var err error
	parents(name, func(p string) bool {
		switch seen[p] {
		case kindSymlink:
			err = invalidf("%s %s goes through symlink %s in the same %s", entryWord(what), name, p, what)
		case kindFile, kindSpecial, kindWhiteout:
			err = invalidf("%s %s is below non-directory %s", entryWord(what), name, p)
		}
		return err == nil
	})
	return err
}

func entryWord(what string) string {
	if what == "layer" {
		return "layer entry"
	}
	return "archive entry"
}

func (o LayerOptions) checkEntry(hdr *tar.Header, seen map[string]kind) error {
	name, ok := layerName(hdr.Name)
	if !ok {
		// moby: breakoutError("%q is outside of %q")
		return invalidf("layer entry %q is outside of the layer root", hdr.Name)
	}
	if name == "" {
		if hdr.Typeflag != tar.TypeDir {
			return invalidf("layer entry %q names the layer root but is not a directory", hdr.Name)
		}
		return nil
	}
	if err := checkParents(name, seen, "layer"); err != nil {
		return err
	}
	base := path.Base(name)
	if strings.HasPrefix(base, whiteoutPrefix) && base != whiteoutOpaque {
		// ".wh." alone, ".wh.." or ".wh..." would whiteout the directory
		// itself or its parent: moby would RemoveAll outside the entry's dir.
		if t := base[len(whiteoutPrefix):]; t == "" || t == "." || t == ".." {
			return invalidf("layer entry %s is not a valid whiteout", name)
		}
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		seen[name] = kindDir
	case tar.TypeReg, tar.TypeGNUSparse: // the reader already turns TypeRegA into TypeReg
		if strings.HasPrefix(base, whiteoutPrefix) {
			seen[name] = kindWhiteout
		} else {
			seen[name] = kindFile
		}
	case tar.TypeLink:
		target, ok := layerName(hdr.Linkname)
		if !ok || target == "" {
			// moby: breakoutError("invalid hardlink %q -> %q")
			return invalidf("invalid hardlink %s -> %s: target is outside of the layer root", name, hdr.Linkname)
		}
		if err := checkParents(target, seen, "layer"); err != nil {
			return invalidWrap(err, "invalid hardlink %s -> %s", name, hdr.Linkname)
		}
		switch k := seen[target]; k {
		case kindFile, kindSpecial:
			seen[name] = k
		case 0:
			return invalidf("invalid hardlink %s -> %s: target does not exist earlier in the layer", name, hdr.Linkname)
		default:
			// A link to a symlink would move a relative target to a new dir
			// where it may climb out; a link to a dir is impossible.
			return invalidf("invalid hardlink %s -> %s: target is not a regular file", name, hdr.Linkname)
		}
	case tar.TypeSymlink:
		if hdr.Linkname == "" {
			return invalidf("symlink %s has an empty target", name)
		}
		if !path.IsAbs(hdr.Linkname) {
			// Same rule as moby: join with the link's own directory.
			if _, ok := layerName(path.Join(path.Dir(name), hdr.Linkname)); !ok {
				return invalidf("invalid symlink %s -> %s: target is outside of the layer root", name, hdr.Linkname)
			}
		}
		seen[name] = kindSymlink
	case tar.TypeChar, tar.TypeBlock:
		if !o.AllowDevices {
			return invalidf("device node %s in layer", name)
		}
		seen[name] = kindSpecial
	case tar.TypeFifo:
		if !o.AllowFifos {
			return invalidf("fifo %s in layer", name)
		}
		seen[name] = kindSpecial
	default:
		return invalidf("layer entry %s has unsupported type %q", name, string(hdr.Typeflag))
	}
	return nil
}
