package archive

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	"github.com/opencontainers/go-digest"
)

// layerCase is shared by TestValidateLayer and the fuzz seed corpus.
type layerCase struct {
	name    string
	data    func(testing.TB) []byte
	opts    LayerOptions
	wantErr string // "" means the layer is accepted
}

func tarCase(ents ...ent) func(testing.TB) []byte {
	return func(t testing.TB) []byte { return mkTar(t, ents...) }
}

func layerCases() []layerCase {
	busybox := []ent{dir("bin/"), file("bin/busybox", "ELF"), symlink("bin/sh", "/bin/busybox")}
	return []layerCase{
		{name: "plain files", data: tarCase(dir("etc/"), file("etc/passwd", "root:x:0:0"))},
		{name: "dot slash names and root", data: tarCase(dir("./"), dir("./etc/"), file("./etc/hosts", "x"))},
		{name: "gzip", data: func(t testing.TB) []byte { return gz(t, mkTar(t, file("a", "b"))) }},
		{name: "empty stream", data: func(testing.TB) []byte { return nil }},
		{name: "absolute symlink /bin/sh -> busybox", data: tarCase(busybox...)},
		{name: "absolute symlink to /etc", data: tarCase(symlink("etcdir", "/etc"))},
		{name: "lib -> usr/lib", data: tarCase(dir("usr/lib/"), symlink("lib", "usr/lib"))},
		{name: "relative symlink inside", data: tarCase(dir("a/b/"), symlink("a/b/l", "../../x"))},
		{name: "whiteouts", data: tarCase(dir("etc/"), file("etc/.wh.passwd", ""), dir("var/"), file("var/.wh..wh..opq", ""))},
		{name: "aufs hardlink dir", data: tarCase(dir(".wh..wh.plnk/"), file(".wh..wh.plnk/123.4", "x"), hardlink("f", ".wh..wh.plnk/123.4"))},
		{name: "hardlink to earlier file", data: tarCase(file("a", "x"), hardlink("b", "a"))},
		{name: "hardlink with absolute names", data: tarCase(file("/a", "x"), hardlink("/b", "/a"))},
		{name: "absolute entry name tolerated like moby", data: tarCase(file("/etc/passwd", "x"))},
		{name: "slash dot dot tolerated like moby", data: tarCase(file("/../etc/passwd", "x"))},
		{name: "dir replaces symlink", data: tarCase(symlink("d", "/etc"), dir("d/"), file("d/f", "x"))},
		{name: "device allowed by policy", data: tarCase(ent{name: "dev/null", typ: tar.TypeChar}), opts: LayerOptions{AllowDevices: true}},
		{name: "fifo allowed by policy", data: tarCase(ent{name: "run/initctl", typ: tar.TypeFifo}), opts: LayerOptions{AllowFifos: true}},

		{name: "dot dot entry", data: tarCase(file("../evil", "x")), wantErr: `layer entry "../evil" is outside of the layer root`},
		{name: "nested dot dot entry", data: tarCase(file("a/../../evil", "x")), wantErr: "outside of the layer root"},
		{name: "bare dot dot dir", data: tarCase(dir("..")), wantErr: "outside of the layer root"},
		{name: "relative symlink escape", data: tarCase(dir("a/"), symlink("a/l", "../../etc")), wantErr: "invalid symlink a/l -> ../../etc: target is outside of the layer root"},
		{name: "write through absolute symlink", data: tarCase(symlink("evil", "/etc"), file("evil/passwd", "x")), wantErr: "layer entry evil/passwd goes through symlink evil in the same layer"},
		{name: "write through relative symlink", data: tarCase(dir("a/"), symlink("a/l", "."), file("a/l/x", "x")), wantErr: "goes through symlink a/l"},
		{name: "dir through symlink", data: tarCase(symlink("evil", "/"), dir("evil/etc/")), wantErr: "goes through symlink evil"},
		{name: "entry below file", data: tarCase(file("a", "x"), file("a/b", "y")), wantErr: "below non-directory a"},
		{name: "hardlink outside", data: tarCase(hardlink("x", "../etc/passwd")), wantErr: "invalid hardlink x -> ../etc/passwd: target is outside of the layer root"},
		{name: "hardlink missing target", data: tarCase(hardlink("x", "etc/shadow")), wantErr: "target does not exist earlier in the layer"},
		{name: "hardlink to later file", data: tarCase(hardlink("x", "a"), file("a", "y")), wantErr: "target does not exist earlier"},
		{name: "hardlink to dir", data: tarCase(dir("d/"), hardlink("x", "d")), wantErr: "target is not a regular file"},
		{name: "hardlink to symlink", data: tarCase(dir("a/"), symlink("a/l", "../x"), hardlink("l2", "a/l")), wantErr: "target is not a regular file"},
		{name: "hardlink through symlink", data: tarCase(dir("d/"), file("d/f", "x"), symlink("d", "/etc"), hardlink("x", "d/f")), wantErr: "goes through symlink d"},
		{name: "char device", data: tarCase(ent{name: "dev/null", typ: tar.TypeChar}), wantErr: "device node dev/null in layer"},
		{name: "block device", data: tarCase(ent{name: "dev/sda", typ: tar.TypeBlock}), wantErr: "device node dev/sda in layer"},
		{name: "fifo", data: tarCase(ent{name: "p", typ: tar.TypeFifo}), wantErr: "fifo p in layer"},
		{name: "whiteout of parent", data: tarCase(dir("a/"), file("a/.wh...", "")), wantErr: "not a valid whiteout"},
		{name: "empty symlink", data: tarCase(symlink("l", "")), wantErr: "empty target"},
		{name: "root as a file", data: tarCase(file(".", "x")), wantErr: "names the layer root"},
		{name: "truncated tar", data: func(t testing.TB) []byte {
			b := mkTar(t, file("big", strings.Repeat("x", 2000)))
			return b[:1200]
		}, wantErr: "layer is truncated: unexpected EOF"},
		{name: "truncated gzip", data: func(t testing.TB) []byte {
			b := gz(t, mkTar(t, file("big", strings.Repeat("xyz", 5000))))
			return b[:len(b)/2]
		}, wantErr: "layer is truncated: unexpected EOF"},
		{name: "gzip trailer cut", data: func(t testing.TB) []byte {
			b := gz(t, mkTar(t, file("a", "b")))
			return b[:len(b)-4]
		}, wantErr: "unexpected EOF"},
		{name: "zstd", data: func(testing.TB) []byte { return []byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0} }, wantErr: "zstd layers are not supported yet"},
		{name: "not a tar", data: func(testing.TB) []byte { return bytes.Repeat([]byte("garbage!"), 100) }, wantErr: "layer is not a valid tar stream"},
	}
}

func TestValidateLayer(t *testing.T) {
	for _, tc := range layerCases() {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data(t)
			info, err := tc.opts.Validate(bytes.NewReader(data))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("want accepted, got %v", err)
				}
				if info.Digest != digest.FromBytes(data) || info.Size != int64(len(data)) {
					t.Errorf("digest/size %s/%d do not match the input", info.Digest, info.Size)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
			}
			if tc.name == "zstd" {
				if !errdefs.IsNotImplemented(err) {
					t.Errorf("zstd error is not NotImplemented: %v", err)
				}
			} else if !errdefs.IsInvalidArgument(err) {
				t.Errorf("error is not InvalidArgument: %v", err)
			}
		})
	}
}

func TestValidateLayerTruncationIsUnexpectedEOF(t *testing.T) {
	for _, name := range []string{"truncated tar", "truncated gzip"} {
		for _, tc := range layerCases() {
			if tc.name == name {
				_, err := ValidateLayer(bytes.NewReader(tc.data(t)))
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("%s: errors.Is(err, io.ErrUnexpectedEOF) is false for %v", name, err)
				}
			}
		}
	}
}

func TestValidateLayerInfo(t *testing.T) {
	plain := mkTar(t, dir("bin/"), file("bin/busybox", "ELF"), symlink("bin/sh", "/bin/busybox"), file("/abs", "x"))
	compressed := gz(t, plain)
	info, err := ValidateLayer(bytes.NewReader(compressed))
	if err != nil {
		t.Fatal(err)
	}
	want := LayerInfo{
		DiffID:           digest.FromBytes(plain),
		Digest:           digest.FromBytes(compressed),
		Compression:      Gzip,
		Size:             int64(len(compressed)),
		UncompressedSize: int64(len(plain)),
		Entries:          4,
		AbsoluteNames:    1,
	}
	if info != want {
		t.Errorf("got %+v\nwant %+v", info, want)
	}
	info, err = ValidateLayer(bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	if info.DiffID != info.Digest || info.Compression != None || info.UncompressedSize != int64(len(plain)) {
		t.Errorf("plain layer: %+v", info)
	}
}
