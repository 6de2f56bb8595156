// Package loopback is the engine namespace's network driver when no egress is
// configured: the namespace gets only an "up" loopback interface. It plugs
// into RootlessKit's driver interfaces the same way the egress drivers
// (gvisor-tap-vsock, slirp4netns, pasta) do, so swapping one in is a
// configuration change, not a code change.
package loopback

import (
	"context"

	"github.com/rootless-containers/rootlesskit/v3/pkg/api"
	"github.com/rootless-containers/rootlesskit/v3/pkg/messages"
	"github.com/rootless-containers/rootlesskit/v3/pkg/network"
)

// Name is the driver's name as reported by `skiff info`.
const Name = "loopback"

// NewParentDriver returns the host-side half: there is nothing to start.
func NewParentDriver() network.ParentDriver { return parentDriver{} }

// NewChildDriver returns the namespace-side half. RootlessKit's child brings
// the loopback interface up itself before calling it.
func NewChildDriver() network.ChildDriver { return childDriver{} }

type parentDriver struct{}

func (parentDriver) Info(context.Context) (*api.NetworkDriverInfo, error) {
	return &api.NetworkDriverInfo{Driver: Name}, nil
}

func (parentDriver) MTU() int { return 65536 }

func (parentDriver) ConfigureNetwork(int, string, string) (*messages.ParentInitNetworkDriverCompleted, func() error, error) {
	return &messages.ParentInitNetworkDriverCompleted{}, nil, nil
}

type childDriver struct{}

func (childDriver) ConfigureNetworkChild(*messages.ParentInitNetworkDriverCompleted, string) (string, error) {
	return "lo", nil
}

// ChildDriverInfo says the interface needs no address or route from RootlessKit.
func (childDriver) ChildDriverInfo() (*network.ChildDriverInfo, error) {
	return &network.ChildDriverInfo{ConfiguresInterface: true}, nil
}
