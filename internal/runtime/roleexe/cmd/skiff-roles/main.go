// Command skiff-roles is skiff's small roles on their own: the shim, init
// and exec roles of containers and the daemon's supervisor, chosen by
// _SKIFF_ROLE as skiff's main does. skiff
// embeds it (see package roleexe) and runs it from a sealed memfd.
package main

import (
	"fmt"
	"os"

	"github.com/skiff-engine/skiff/internal/runtime/initproc"
	"github.com/skiff-engine/skiff/internal/runtime/shim"
	"github.com/skiff-engine/skiff/internal/supervisor"
)

func main() {
	switch os.Getenv("_SKIFF_ROLE") {
	case shim.Role:
		os.Exit(shim.Main())
	case initproc.Role:
		os.Exit(initproc.Main())
	case initproc.ExecRole:
		os.Exit(initproc.ExecMain())
	case supervisor.Role:
		os.Exit(supervisor.Main())
	}
	fmt.Fprintln(os.Stderr, "skiff-roles: run by skiff only")
	os.Exit(2)
}
