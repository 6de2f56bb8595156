// Package helper is the gvisor-tap-vsock helper program's body: it runs
// RootlessKit's gvisor-tap-vsock parent driver (the user-mode network
// stack) for a skiff daemon, which talks to it through gvtap.ParentDriver.
// Only the helper binary (slirp/gvtap/cmd/skiff-gvtap) links it.
package helper

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/rootless-containers/rootlesskit/v3/pkg/network/gvisortapvsock"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/slirp/gvtap"
)

// Main reads a gvtap.Config (JSON) from its first argument, sets the
// network up, prints one gvtap.Ready line, then serves until its stdin
// closes (the daemon ended) and exits.
func Main() int {
	// The daemon's death ends the helper even if stdin stays open in
	// some other process.
	unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0)
	out := json.NewEncoder(os.Stdout)
	ready, cleanup := configure(os.Args)
	if err := out.Encode(ready); err != nil || ready.Err != "" {
		return 1
	}
	io.Copy(io.Discard, os.Stdin)
	if cleanup != nil {
		cleanup()
	}
	return 0
}

func configure(args []string) (gvtap.Ready, func() error) {
	if len(args) != 2 {
		return gvtap.Ready{Err: "usage: skiff-gvtap CONFIG-JSON"}, nil
	}
	var cfg gvtap.Config
	if err := json.Unmarshal([]byte(args[1]), &cfg); err != nil {
		return gvtap.Ready{Err: "reading the config: " + err.Error()}, nil
	}
	_, ipnet, err := net.ParseCIDR(cfg.CIDR)
	if err != nil {
		return gvtap.Ready{Err: err.Error()}, nil
	}
	pd, err := gvisortapvsock.NewParentDriver(os.Stderr, cfg.MTU, ipnet, cfg.IfName, false, false)
	if err != nil {
		return gvtap.Ready{Err: err.Error()}, nil
	}
	netmsg, cleanup, err := pd.ConfigureNetwork(cfg.ChildPID, cfg.StateDir, cfg.DetachedNetNS)
	if err != nil {
		if cleanup != nil {
			cleanup()
		}
		return gvtap.Ready{Err: err.Error()}, nil
	}
	info, err := pd.Info(context.Background())
	if err != nil {
		return gvtap.Ready{Err: fmt.Sprintf("driver info: %v", err)}, cleanup
	}
	return gvtap.Ready{Netmsg: netmsg, Info: info}, cleanup
}
