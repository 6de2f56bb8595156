package memfd

import (
	_ "embed"
	"io"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// embedded is in the test binary's read-only data, as skiff's embedded
// binaries are in skiff's.
//
//go:embed testdata/embedded.txt
var embedded string

func TestSealedEmbeddedKeepsTheBytes(t *testing.T) {
	data := embedded
	f, err := SealedEmbedded("test", data)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := io.ReadAll(io.NewSectionReader(f, 0, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != embedded {
		t.Fatalf("copy differs from the data (%d bytes, want %d)", len(got), len(embedded))
	}
	// The dropped pages read back from the binary unchanged.
	if data != string(got) || !strings.HasSuffix(data, "line 00499 of a file embedded in the memfd tests, read back after its pages are dropped\n") {
		t.Fatal("the embedded data changed after its pages were dropped")
	}
	seals, err := unix.FcntlInt(f.Fd(), unix.F_GET_SEALS, 0)
	if err != nil {
		t.Fatal(err)
	}
	if seals&Seals != Seals {
		t.Fatalf("seals %#x, want %#x", seals, Seals)
	}
}

func TestDropEmbeddedLeavesHeapAlone(t *testing.T) {
	// A heap string must never be dropped: MADV_DONTNEED would zero it.
	heap := strings.Repeat("x", 5*4096)
	dropEmbedded(heap)
	if strings.Count(heap, "x") != len(heap) {
		t.Fatal("a heap string was zeroed")
	}
}

func TestReadOnlyFileMapping(t *testing.T) {
	p := uintptr(unsafePointer(embedded))
	if !readOnlyFileMapping(p, p+uintptr(len(embedded))) {
		t.Fatal("a constant string is not in a read-only file mapping")
	}
	heap := []byte(strings.Repeat("y", 4096))
	h := uintptr(unsafePointer(string(heap)))
	if readOnlyFileMapping(h, h+4096) {
		t.Fatal("heap memory counted as a read-only file mapping")
	}
}
