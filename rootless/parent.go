package rootless

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"

	"github.com/rootless-containers/rootlesskit/v3/pkg/network"
	"github.com/rootless-containers/rootlesskit/v3/pkg/parent"
	"github.com/rootless-containers/rootlesskit/v3/pkg/sigproxy"
	sigproxysignal "github.com/rootless-containers/rootlesskit/v3/pkg/sigproxy/signal"
	"github.com/rs/zerolog"
	"github.com/sirupsen/logrus"
)

// Options configures the host side of the bootstrap.
type Options struct {
	// StateDir is RootlessKit's state directory (lock, child pid, api.sock).
	StateDir string
	// Network names the engine namespace's egress driver; "" is loopback only.
	Network string
	Log     zerolog.Logger
}

// Run starts this same program (same arguments) again inside new user,
// mount and network namespaces and waits for it. It returns the child's
// error; a child that exited with a status returns an *exec.ExitError.
func Run(opt Options) error {
	if err := CheckUserNamespaces(); err != nil {
		return err
	}
	netName := opt.Network
	if netName == "" {
		netName = defaultNetwork
	}
	drv, ok := networkDrivers[netName]
	if !ok {
		return fmt.Errorf("rootless-network-driver %q is not available in this skiff build yet (available: %s)", netName, availableNetworks())
	}
	m := ChooseMapping()
	os.Setenv(EnvInUserNS, "1")
	os.Setenv(envNetworkDriver, netName)
	os.Setenv(envMapping, string(m.Mapping))
	if m.Mapping == MappingSingleID {
		opt.Log.Warn().Str("reason", m.Reason).Msg("mapping only your own uid and gid into the user namespace (single-id mapping); images whose files belong to other users lose that ownership. For a full mapping install the uidmap package (newuidmap, newgidmap) and add subordinate ranges: " + m.Fix)
		// RootlessKit's network drivers need its parent, which needs
		// newuidmap: the networks' namespace gets loopback only.
		opt.Log.Warn().Str("rootless_network_driver", netName).Msg("single-id mapping: containers get no egress and no host-gateway (published ports still work); install the uidmap package for " + netName)
		os.Setenv(envNetworkDriver, NetworkNone)
		return runSingleID()
	}
	if err := parent.InitStateDir(opt.StateDir); err != nil {
		return fmt.Errorf("preparing %s: %w", opt.StateDir, err)
	}
	pd, err := drv.parent(opt.StateDir, driverLog())
	if err != nil {
		return err
	}
	err = parent.Parent(parent.Opt{
		PipeFDEnvKey:             envPipeFD,
		ChildUseActivationEnvKey: envUseActivation,
		StateDir:                 opt.StateDir,
		StateDirEnvKey:           envStateDir,
		NetworkDriver:            pd,
		// The daemon stays in the host's network namespace (as Docker 29.5+
		// with detach-netns): registries on the host's loopback, the host's
		// DNS and full-speed egress work without a user-mode TCP stack.
		// Containers get the detached namespace at <StateDir>/netns.
		DetachNetNS:      true,
		ParentEUIDEnvKey: envParentEUID,
		ParentEGIDEnvKey: envParentEGID,
		Propagation:      childPropagation(),
		SubidSource:      parent.SubidSourceAuto,
	})
	return diagnoseStart(err)
}

type networkDriver struct {
	// parent makes the host half; stateDir holds its sockets, log gets
	// a helper program's output.
	parent func(stateDir string, log io.Writer) (network.ParentDriver, error)
	child  func() network.ChildDriver
	// gatewayHost is the host part of the driver's gateway in egressCIDR,
	// which forwards to the host's loopback; 0 when there is none.
	gatewayHost byte
}

// MappingChoice is the id mapping the host allows, and why.
type MappingChoice struct {
	Mapping Mapping
	Reason  string // why not subordinate, when single-id
	Fix     string // what the user can do about it
}

// ChooseMapping picks the subordinate mapping when newuidmap, newgidmap and
// ranges for the user exist, and the single-id fallback otherwise.
func ChooseMapping() MappingChoice {
	u, err := user.Current()
	name := "$USER"
	if err == nil {
		name = u.Username
	}
	fix := fmt.Sprintf("'apt-get install uidmap' (or your distro's shadow-utils) and the lines '%s:100000:65536' in /etc/subuid and /etc/subgid", name)
	for _, tool := range []string{"newuidmap", "newgidmap"} {
		if _, err := exec.LookPath(tool); err != nil {
			return MappingChoice{MappingSingleID, tool + " not found", fix}
		}
	}
	uranges, granges, err := SubIDRanges()
	if err != nil || len(uranges) == 0 || len(granges) == 0 {
		reason := "no subordinate id ranges for " + name + " in /etc/subuid and /etc/subgid"
		if err != nil {
			reason = err.Error()
		}
		return MappingChoice{MappingSingleID, reason, fix}
	}
	return MappingChoice{Mapping: MappingSubordinate}
}

// runSingleID is skiff's own bootstrap for hosts without newuidmap: an
// unprivileged process may map exactly its own uid and gid (with setgroups
// denied), which Go's exec writes to uid_map/gid_map before the child runs.
func runSingleID() error {
	cmd := exec.Command("/proc/self/exe", os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), envSingleIDStarted+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// No CLONE_NEWNET: like the RootlessKit path, the daemon keeps the
		// host's network namespace.
		Cloneflags:                 syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings:                []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		GidMappingsEnableSetgroups: false,
		Pdeathsig:                  syscall.SIGKILL,
	}
	if n := inheritedListenFDs(); n > 0 {
		for fd := 3; fd < 3+n; fd++ {
			cmd.ExtraFiles = append(cmd.ExtraFiles, os.NewFile(uintptr(fd), "LISTEN_FD_"+strconv.Itoa(fd)))
		}
		cmd.Env = append(cmd.Env, envFixListenPID+"=1")
	}
	if err := cmd.Start(); err != nil {
		return diagnoseStart(fmt.Errorf("failed to start the daemon in a user namespace: %w", err))
	}
	sigc := sigproxy.ForwardAllSignals(context.Background(), cmd.Process.Pid)
	defer sigproxysignal.StopCatch(sigc)
	return cmd.Wait()
}

// envFixListenPID tells the child that the socket-activation fds it
// inherited are meant for it although LISTEN_PID names its parent.
const envFixListenPID = "_SKIFF_FIX_LISTEN_PID"

func inheritedListenFDs() int {
	pid, err1 := strconv.Atoi(os.Getenv("LISTEN_PID"))
	n, err2 := strconv.Atoi(os.Getenv("LISTEN_FDS"))
	if err1 != nil || err2 != nil || pid != os.Getpid() {
		return 0
	}
	return n
}

func init() {
	// RootlessKit logs through logrus; keep its chatter to warnings unless
	// the daemon runs at debug level (SetDebug).
	logrus.SetLevel(logrus.WarnLevel)
	logrus.SetOutput(os.Stderr)
}

// driverLog is where a network helper program's output goes: the
// daemon's stderr at debug level, else nowhere (its failures still come
// back as errors).
func driverLog() io.Writer {
	if logrus.IsLevelEnabled(logrus.DebugLevel) {
		return os.Stderr
	}
	return io.Discard
}

// SetDebug makes RootlessKit's own logging verbose.
func SetDebug(on bool) {
	if on {
		logrus.SetLevel(logrus.DebugLevel)
	}
}

// ExitCode extracts a child's exit status from Run's error.
func ExitCode(err error) (int, bool) {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), true
	}
	return 0, false
}
