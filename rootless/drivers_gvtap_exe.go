//go:build skiff_gvtapexe

package rootless

import (
	"errors"
	"io"

	"github.com/rootless-containers/rootlesskit/v3/pkg/network"
)

// With the helper embedded (scripts/build.sh), the stack never runs in
// process, so the library is not linked.

func inProcessGvtapParent(io.Writer) (network.ParentDriver, error) {
	return nil, errors.New("gvisor-tap-vsock: the helper binary is missing from this build")
}

func inProcessGvtapChild() network.ChildDriver { return nil }
