// Command skiff is a rootless container engine: one binary that is the CLI,
// the daemon, the engine and (later) the per-container shim and init.
// main only decides which role this process plays.
package main

import (
	"fmt"
	"os"

	"go.podman.io/storage/pkg/reexec"

	"github.com/skiff-engine/skiff/cli"
	"github.com/skiff-engine/skiff/internal/daemon"
	"github.com/skiff-engine/skiff/internal/runtime/initproc"
	"github.com/skiff-engine/skiff/internal/runtime/shim"
	"github.com/skiff-engine/skiff/rootless"
	"github.com/skiff-engine/skiff/rootless/check"
)

// Set by scripts/build.sh through -ldflags -X.
var (
	version   = "dev"
	gitCommit = ""
	buildTime = ""
)

func main() {
	// go.podman.io/storage unpacks layers in a chrooted re-exec of this
	// binary (chrootarchive); those helper roles run and exit here.
	if reexec.Init() {
		return
	}
	build := daemon.Build{Version: version, GitCommit: gitCommit, BuildTime: buildTime}
	// The container roles are chosen by environment, not by argv, so that
	// no CLI command line can ever select them.
	switch os.Getenv("_SKIFF_ROLE") {
	case shim.Role:
		os.Exit(shim.Main())
	case initproc.Role:
		os.Exit(initproc.Main())
	case initproc.ExecRole:
		os.Exit(initproc.ExecMain())
	}
	switch {
	// RootlessKit's own re-execs come first: their command line is the
	// daemon's, but they are not the daemon yet.
	case rootless.IsUnshare():
		exitOn(rootless.RunUnshare())
	case rootless.IsRootlessKitChild():
		// Once the namespaces are set up this process goes on as the
		// daemon inside them (with the same command line).
		if err := rootless.RunChild(); err != nil {
			exitOn(err)
		}
	case len(os.Args) > 1 && os.Args[1] == "engine":
		os.Exit(daemon.Engine(os.Args[2:], build))
	}
	// `skiff daemon ...` parses its own flags: the CLI's parser would
	// leave its model of every command, and the pages of its code, in a
	// process that runs for days. (With global flags before "daemon" the
	// CLI hands over the same way, at that cost.)
	if len(os.Args) > 1 && os.Args[1] == "daemon" {
		os.Exit(daemon.Main(os.Args[2:], build))
	}
	os.Exit(cli.Run(os.Args[1:], cli.Build{Version: version, GitCommit: gitCommit, BuildTime: buildTime}, cli.Roles{
		Daemon: func(args []string) int { return daemon.Main(args, build) },
		Check:  check.Main,
	}))
}

func exitOn(err error) {
	if err != nil {
		if code, ok := rootless.ExitCode(err); ok {
			os.Exit(code)
		}
		fmt.Fprintln(os.Stderr, "skiff:", err)
		os.Exit(1)
	}
	os.Exit(0)
}
