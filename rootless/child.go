package rootless

import (
	"fmt"
	"os"
	"strconv"

	"github.com/rootless-containers/rootlesskit/v3/pkg/child"
	"github.com/rootless-containers/rootlesskit/v3/pkg/copyup/tmpfssymlink"
	"github.com/rootless-containers/rootlesskit/v3/pkg/systemd/activation"
)

// selfTarget re-runs this binary with the same arguments: inside the
// namespaces the same `skiff daemon ...` command line becomes the supervisor.
func selfTarget() []string { return append([]string{"/proc/self/exe"}, os.Args[1:]...) }

// RunChild is RootlessKit's child half: it waits for the parent to write the
// id maps and configure the network, then runs the daemon inside.
func RunChild() error {
	name := os.Getenv(envNetworkDriver)
	drv, ok := networkDrivers[name]
	if !ok {
		return fmt.Errorf("unknown rootless network driver %q", name)
	}
	cd := drv.child()
	return child.Child(child.Opt{
		PipeFDEnvKey:              envPipeFD,
		RunActivationHelperEnvKey: envActivationHelp,
		ChildUseActivationEnvKey:  envUseActivation,
		StateDirEnvKey:            envStateDir,
		TargetCmd:                 selfTarget(),
		NetworkDriver:             cd,
		DetachNetNS:               true,
		// /etc is copied up so that the namespace's resolv.conf and hosts
		// can be replaced without touching the host's.
		CopyUpDriver: tmpfssymlink.NewChildDriver(),
		CopyUpDirs:   []string{"/etc"},
		Propagation:  childPropagation(),
	})
}

// RunActivationHelper sets LISTEN_PID to this process and execs the daemon,
// so that socket-activation fds survive the re-exec into the namespaces.
func RunActivationHelper() error {
	return activation.ActivationHelper(activation.Opt{
		RunActivationHelperEnvKey: envActivationHelp,
		TargetCmd:                 selfTarget(),
	})
}

// PrepareNamespace finishes the single-id bootstrap inside the namespace
// (RootlessKit's child does the same for the subordinate mapping): the
// socket-activation fds inherited from the host parent are claimed.
func PrepareNamespace() error {
	if os.Getenv(envSingleIDStarted) == "" {
		return nil
	}
	os.Unsetenv(envSingleIDStarted)
	if os.Getenv(envFixListenPID) != "" {
		os.Unsetenv(envFixListenPID)
		os.Setenv("LISTEN_PID", strconv.Itoa(os.Getpid()))
		os.Unsetenv("LISTEN_PIDFDID")
	}
	// No propagation change is needed: a mount namespace made together
	// with a new user namespace already turns the host's shared mounts into
	// slaves, so nothing mounted inside leaks out.
	return nil
}
