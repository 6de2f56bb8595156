//go:build !skiff_gvtapexe

package rootless

import (
	"io"

	"github.com/rootless-containers/rootlesskit/v3/pkg/network"
	"github.com/rootless-containers/rootlesskit/v3/pkg/network/gvisortapvsock"
)

// A build without the embedded helper (a plain go build) runs the
// gvisor-tap-vsock stack in the daemon itself, linking gvisor and gopacket
// into every skiff process; scripts/build.sh builds the helper instead.

func inProcessGvtapParent(log io.Writer) (network.ParentDriver, error) {
	return gvisortapvsock.NewParentDriver(log, MTU, egressNet(), "tap0", false, false)
}

func inProcessGvtapChild() network.ChildDriver { return gvisortapvsock.NewChildDriver() }
