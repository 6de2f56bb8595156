package rootless

import (
	"os"
	"sort"
	"strings"

	"github.com/rootless-containers/rootlesskit/v3/pkg/network"
	"github.com/skiff-engine/skiff/slirp/loopback"
)

// defaultNetwork is the egress driver used when none is configured. The
// network issue replaces it with gvisor-tap-vsock.
const defaultNetwork = loopback.Name

// networkDrivers are the engine namespace's egress drivers, by name. Each
// has a parent half (host side) and a child half (inside), as RootlessKit
// defines them.
var networkDrivers = map[string]networkDriver{
	loopback.Name: {
		parent: func() (network.ParentDriver, error) { return loopback.NewParentDriver(), nil },
		child:  func() (network.ChildDriver, error) { return loopback.NewChildDriver(), nil },
	},
}

// NetworkDriver is the egress driver this namespace was set up with.
func NetworkDriver() string {
	return os.Getenv(envNetworkDriver)
}

func availableNetworks() string {
	names := make([]string, 0, len(networkDrivers))
	for n := range networkDrivers {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
