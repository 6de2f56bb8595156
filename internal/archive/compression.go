package archive

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"io"
)

// Compression names how a stream was compressed.
type Compression string

// Compressions that Detect recognises. Only None, Gzip and Bzip2 can be read:
// the standard library has no zstd or xz decoder and skiff takes no extra
// module for them yet.
const (
	None  Compression = "none"
	Gzip  Compression = "gzip"
	Bzip2 Compression = "bzip2"
	Zstd  Compression = "zstd"
	Xz    Compression = "xz"
)

var magics = []struct {
	c     Compression
	magic []byte
}{
	{Gzip, []byte{0x1f, 0x8b}},
	{Bzip2, []byte("BZh")},
	{Zstd, []byte{0x28, 0xb5, 0x2f, 0xfd}},
	{Xz, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}},
}

// detect peeks at the first bytes of br without consuming them.
func detect(br *bufio.Reader) Compression {
	head, _ := br.Peek(6) // short reads are fine: a tiny stream is "none"
	for _, m := range magics {
		if bytes.HasPrefix(head, m.magic) {
			return m.c
		}
	}
	return None
}

// decompress returns the decompressed view of br and what it detected.
// what names the stream in errors ("layer", "archive").
func decompress(br *bufio.Reader, what string) (io.Reader, Compression, error) {
	c := detect(br)
	switch c {
	case None:
		return br, c, nil
	case Gzip:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, c, invalidWrap(err, "%s: bad gzip header", what)
		}
		return zr, c, nil
	case Bzip2:
		return bzip2.NewReader(br), c, nil
	default:
		return nil, c, &unsupportedError{msg: string(c) + " " + what + "s are not supported yet"}
	}
}
