// Package selfexe makes the sealed in-memory copy of this binary that
// container init is executed from (see rootless/memfd).
package selfexe

import (
	"fmt"
	"os"

	"github.com/skiff-engine/skiff/rootless/memfd"
)

// Sealed returns a read-only, sealed memfd holding a copy of
// /proc/self/exe. It is close-on-exec; hand it to a child explicitly
// (exec.Cmd.ExtraFiles). Make it once per process: copying the binary
// costs tens of milliseconds.
func Sealed() (*os.File, error) { return SealedFrom("/proc/self/exe") }

// SealedFrom makes the sealed copy of another binary (for tests that run
// a built skiff from a test binary).
func SealedFrom(path string) (*os.File, error) {
	src, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	mem, err := memfd.Sealed("skiff", src)
	if err != nil {
		return nil, fmt.Errorf("copying %s: %w", path, err)
	}
	return mem, nil
}
