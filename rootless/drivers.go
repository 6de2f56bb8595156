package rootless

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rootless-containers/rootlesskit/v3/pkg/network"
	"github.com/rootless-containers/rootlesskit/v3/pkg/network/gvisortapvsock"
	"github.com/rootless-containers/rootlesskit/v3/pkg/network/pasta"
	"github.com/rootless-containers/rootlesskit/v3/pkg/network/slirp4netns"
	"github.com/skiff-engine/skiff/slirp/loopback"
)

// Egress driver names, as daemon.json's rootless-network-driver spells them.
const (
	NetworkGvisorTapVsock = "gvisor-tap-vsock"
	NetworkSlirp4netns    = "slirp4netns"
	NetworkPasta          = pasta.DriverName
	// NetworkNone is the single-id mode's namespace: loopback only.
	NetworkNone = "none"
)

// defaultNetwork is the egress driver used when none is configured: built
// in, so egress works with no helper binary on the host.
const defaultNetwork = NetworkGvisorTapVsock

// MTU is the tap device's MTU in the networks' namespace: as large as the
// user-mode stacks allow, since fewer, larger frames are what makes them fast.
const MTU = 65520

// egressCIDR is the tap device's subnet (RootlessKit's default). The driver
// answers at its gateway address, which also reaches the host's loopback.
const egressCIDR = "10.0.2.0/24"

// networkDrivers are the engine namespace's egress drivers, by name. Each
// has a parent half (host side) and a child half (inside), as RootlessKit
// defines them.
var networkDrivers = map[string]networkDriver{
	NetworkGvisorTapVsock: {
		// The user-mode stack runs in this (the RootlessKit parent)
		// process: no helper program, and its code pages are shared with
		// the other skiff processes.
		parent: func(_ string, log io.Writer) (network.ParentDriver, error) {
			return gvisortapvsock.NewParentDriver(log, MTU, egressNet(), "tap0", false, false)
		},
		child:       func() network.ChildDriver { return gvtapChild{} },
		gatewayHost: 1,
	},
	NetworkSlirp4netns: {
		parent: func(stateDir string, log io.Writer) (network.ParentDriver, error) {
			bin, err := helperBinary("slirp4netns", "slirp4netns")
			if err != nil {
				return nil, err
			}
			return slirp4netns.NewParentDriver(log, bin, MTU, egressNet(), "tap0", false,
				filepath.Join(stateDir, "slirp4netns.sock"), false, false, false)
		},
		child:       slirp4netns.NewChildDriver,
		gatewayHost: 2,
	},
	NetworkPasta: {
		parent: func(_ string, log io.Writer) (network.ParentDriver, error) {
			bin, err := helperBinary("pasta", "passt")
			if err != nil {
				return nil, err
			}
			return pasta.NewParentDriver(log, bin, MTU, egressNet(), "tap0", "", false, false, false)
		},
		child:       pasta.NewChildDriver,
		gatewayHost: 2,
	},
	// loopback gives the namespace no egress; kept for tests and debugging.
	loopback.Name: {
		parent: func(string, io.Writer) (network.ParentDriver, error) { return loopback.NewParentDriver(), nil },
		child:  loopback.NewChildDriver,
	},
}

func egressNet() *net.IPNet {
	_, n, _ := net.ParseCIDR(egressCIDR)
	return n
}

// helperBinary finds an optional host program, or says which package has it.
func helperBinary(name, pkg string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("rootless-network-driver %s: %s was not found in PATH: install the %s package, or use the built-in gvisor-tap-vsock driver", name, name, pkg)
	}
	return p, nil
}

// NetworkDriver is the egress driver this namespace was set up with;
// NetworkNone in single-id mode, which has no egress.
func NetworkDriver() string {
	return os.Getenv(envNetworkDriver)
}

// HostGatewayIP is the address, seen from the networks' namespace, that
// reaches the host's loopback through the egress driver (for
// --add-host h:host-gateway); "" when the driver has none.
func HostGatewayIP() string {
	d, ok := networkDrivers[NetworkDriver()]
	if !ok || d.gatewayHost == 0 {
		return ""
	}
	ip := egressNet().IP.To4()
	ip[3] += d.gatewayHost
	return ip.String()
}

func availableNetworks() string {
	names := make([]string, 0, len(networkDrivers))
	for n := range networkDrivers {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
