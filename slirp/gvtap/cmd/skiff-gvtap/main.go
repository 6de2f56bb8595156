// Command skiff-gvtap is the gvisor-tap-vsock helper that skiff embeds
// (scripts/build.sh builds it first): see package slirp/gvtap.
package main

import (
	"os"

	"github.com/skiff-engine/skiff/slirp/gvtap/helper"
)

func main() { os.Exit(helper.Main()) }
