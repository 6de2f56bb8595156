package daemon

import (
	"context"
	"os"
	"path/filepath"

	"github.com/moby/moby/api/types/network"

	"github.com/skiff-engine/skiff/api/server"
	"github.com/skiff-engine/skiff/internal/containers"
	"github.com/skiff-engine/skiff/internal/events"
	netsvc "github.com/skiff-engine/skiff/internal/network"
	"github.com/skiff-engine/skiff/internal/network/ipam"
	"github.com/skiff-engine/skiff/rootless"
)

// networksNS is where container networks live: rootless, the namespace
// RootlessKit detached (it has the egress); rootful, the host's, as
// dockerd; single-id (no RootlessKit), one of the engine's own, bound
// under the run directory (loopback between containers, no egress).
func networksNS(runDir string) string {
	if !rootless.InUserNS() {
		return "/proc/self/ns/net"
	}
	detached := filepath.Join(runDir, "rootlesskit", "netns")
	if _, err := os.Stat(detached); err == nil {
		return detached
	}
	return filepath.Join(runDir, "netns")
}

// newNetworks starts the network service with daemon.json's network keys.
func newNetworks(s *settings, broker *events.Broker) (*netsvc.Service, error) {
	var pools []ipam.Pool
	for _, p := range s.cfg.DefaultAddressPools {
		pool, err := ipam.ParsePool(p.Base, p.Size)
		if err != nil {
			return nil, err
		}
		pools = append(pools, pool)
	}
	return netsvc.New(netsvc.Options{
		DataRoot: s.dataRoot,
		NetNS:    networksNS(s.runDir),
		Pools:    pools,
		BIP:      s.cfg.BIP,
		MTU:      s.cfg.MTU,
		Events:   broker,
		Log:      s.log,
		Rootless: rootless.InUserNS(),
	})
}

// networksBackend serves the network routes: the network service, with
// connect and disconnect through the container service (they change a
// container's record and, when it runs, its interfaces).
type networksBackend struct {
	*netsvc.Service
	ctrs *containers.Service
}

var _ server.NetworksBackend = networksBackend{}

func (b networksBackend) ConnectNetwork(ctx context.Context, idOrName string, req network.ConnectRequest) error {
	return b.ctrs.ConnectNetwork(ctx, idOrName, req)
}

func (b networksBackend) DisconnectNetwork(ctx context.Context, idOrName string, req network.DisconnectRequest) error {
	return b.ctrs.DisconnectNetwork(ctx, idOrName, req)
}
