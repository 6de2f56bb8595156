// Package gvtap runs the built-in gvisor-tap-vsock egress driver of the
// networks' namespace out of process: a small helper binary (built by
// scripts/build.sh and embedded with the skiff_gvtapexe tag) runs the
// user-mode network stack, so that the gvisor and gopacket code it needs
// is not linked into skiff itself. gopacket alone writes about 7 MB of
// tables at package init, which every skiff process (daemon, supervisor,
// engine, CLI) paid while the driver was linked in.
package gvtap

import (
	"github.com/rootless-containers/rootlesskit/v3/pkg/api"
	"github.com/rootless-containers/rootlesskit/v3/pkg/messages"
)

// DriverName is the rootless-network-driver name of this driver.
const DriverName = "gvisor-tap-vsock"

// Config is what the helper needs to set the network up.
type Config struct {
	MTU           int    `json:"mtu"`
	CIDR          string `json:"cidr"`
	IfName        string `json:"ifname"`
	ChildPID      int    `json:"childPid"`
	StateDir      string `json:"stateDir"`
	DetachedNetNS string `json:"detachedNetNS"`
}

// Ready is the helper's one line on stdout once the network is up.
type Ready struct {
	Netmsg *messages.ParentInitNetworkDriverCompleted `json:"netmsg,omitempty"`
	Info   *api.NetworkDriverInfo                     `json:"info,omitempty"`
	Err    string                                     `json:"err,omitempty"`
}
