package rootless

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/containernetworking/plugins/pkg/ns"
	"github.com/rootless-containers/rootlesskit/v3/pkg/child"
	"github.com/rootless-containers/rootlesskit/v3/pkg/copyup/tmpfssymlink"
	"github.com/rootless-containers/rootlesskit/v3/pkg/messages"
	"github.com/rootless-containers/rootlesskit/v3/pkg/network"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// RunChild is RootlessKit's child half, skiff's own: it answers the
// parent's messages (rootlesskit/v3/pkg/messages), gains its capabilities
// in the new user namespace, makes the detached network namespace, copies
// /etc up and configures the network driver's device, all as RootlessKit's
// child.Child does for these options. It then returns, and this process
// goes on as the daemon inside the namespaces, which becomes the
// supervisor. child.Child would instead run the daemon as a child process
// and wait for it: a whole skiff process (about 11 MiB PSS) that only waits.
func RunChild() error {
	pipes := os.Getenv(envPipeFD)
	var rfd, wfd int
	if _, err := fmt.Sscanf(pipes, "%d,%d", &rfd, &wfd); err != nil {
		return fmt.Errorf("rootless child: bad %s %q", envPipeFD, pipes)
	}
	fromParent, toParent := os.NewFile(uintptr(rfd), "rootlesskit-parent-r"), os.NewFile(uintptr(wfd), "rootlesskit-parent-w")
	stateDir := os.Getenv(envStateDir)
	if stateDir == "" {
		return errors.New("rootless child: no state directory")
	}
	name := os.Getenv(envNetworkDriver)
	drv, ok := networkDrivers[name]
	if !ok {
		return fmt.Errorf("unknown rootless network driver %q", name)
	}
	if !hasCapabilities() {
		// First run: the parent writes the id maps after our hello, and
		// the capabilities they give take an execve to become effective.
		if _, err := messages.WaitFor(fromParent, messages.Name(messages.ParentHello{})); err != nil {
			return err
		}
		if err := messages.Send(toParent, &messages.Message{U: messages.U{ChildHello: &messages.ChildHello{}}}); err != nil {
			return err
		}
		if _, err := messages.WaitFor(fromParent, messages.Name(messages.ParentInitIdmapCompleted{})); err != nil {
			return err
		}
		err := reexecForCapabilities()
		// The pipes' fds must outlive the exec: no finalizer may close them.
		runtime.KeepAlive(fromParent)
		runtime.KeepAlive(toParent)
		return err
	}
	os.Unsetenv(envReexecCount)
	netns := filepath.Join(stateDir, "netns")
	if err := child.NewNetNsWithPathWithoutEnter(netns); err != nil {
		return fmt.Errorf("creating the detached network namespace %s: %w", netns, err)
	}
	if err := messages.Send(toParent, &messages.Message{U: messages.U{ChildInitUserNSCompleted: &messages.ChildInitUserNSCompleted{}}}); err != nil {
		return err
	}
	msg, err := messages.WaitFor(fromParent, messages.Name(messages.ParentInitNetworkDriverCompleted{}))
	if err != nil {
		return err
	}
	netMsg := msg.U.ParentInitNetworkDriverCompleted
	// No port driver: published ports are the engine's own forwarder.
	if _, err := messages.WaitFor(fromParent, messages.Name(messages.ParentInitPortDriverCompleted{})); err != nil {
		return err
	}
	os.Unsetenv(envPipeFD)
	fromParent.Close()
	toParent.Close()
	if err := setPropagation(childPropagation()); err != nil {
		return err
	}
	// /etc is copied up so that the namespace's resolv.conf and hosts can
	// be replaced without touching the host's.
	if _, err := tmpfssymlink.NewChildDriver().CopyUp([]string{"/etc"}); err != nil {
		return fmt.Errorf("copying up /etc: %w", err)
	}
	if err := setupChildNetwork(stateDir, netns, drv.child(), netMsg); err != nil {
		return err
	}
	claimActivationFDs()
	return nil
}

// hasCapabilities reports whether this process has effective capabilities
// (in its user namespace), as after the re-exec that follows the id maps.
func hasCapabilities() bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3, Pid: int32(os.Getpid())}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return false
	}
	return data[0].Effective != 0
}

// envReexecCount bounds the re-exec for capabilities, which would loop if
// the id maps never gave any.
const envReexecCount = "_SKIFF_ROOTLESSKIT_REEXEC"

func reexecForCapabilities() error {
	n, _ := strconv.Atoi(os.Getenv(envReexecCount))
	if n >= 3 {
		return errors.New("rootless child: no capabilities in the user namespace after its id maps were written")
	}
	os.Setenv(envReexecCount, strconv.Itoa(n+1))
	return os.NewSyscallError("execve /proc/self/exe", unix.Exec("/proc/self/exe", os.Args, os.Environ()))
}

// setPropagation applies RootlessKit's propagation names to /.
func setPropagation(name string) error {
	flags := map[string]uintptr{
		"rprivate": unix.MS_PRIVATE | unix.MS_REC,
		"rslave":   unix.MS_SLAVE | unix.MS_REC,
		"rshared":  unix.MS_SHARED | unix.MS_REC,
	}[name]
	if flags == 0 {
		return fmt.Errorf("unknown mount propagation %q", name)
	}
	if err := unix.Mount("none", "/", "", flags, ""); err != nil {
		return fmt.Errorf("setting the propagation of / to %s: %w", name, err)
	}
	return nil
}

// setupChildNetwork brings the detached namespace's loopback up, lets the
// driver make its device there, configures the device unless the driver
// does, and writes the state directory's resolv.conf and hosts for the
// namespace (as RootlessKit does in detached mode).
func setupChildNetwork(stateDir, netns string, drv network.ChildDriver, msg *messages.ParentInitNetworkDriverCompleted) error {
	if err := ns.WithNetNSPath(netns, func(ns.NetNS) error { return linkUp("lo", 0) }); err != nil {
		return fmt.Errorf("loopback in the network namespace: %w", err)
	}
	if drv == nil || msg == nil {
		return nil
	}
	hosts, err := namespaceHosts()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(stateDir, "hosts"), hosts, 0o644); err != nil {
		return err
	}
	dev, err := drv.ConfigureNetworkChild(msg, netns) // fills in msg
	if err != nil {
		return err
	}
	var resolv strings.Builder
	for _, s := range msg.DNS {
		resolv.WriteString("nameserver " + s + "\n")
	}
	if err := os.WriteFile(filepath.Join(stateDir, "resolv.conf"), []byte(resolv.String()), 0o644); err != nil {
		return err
	}
	info, err := drv.ChildDriverInfo()
	if err == nil && info.ConfiguresInterface {
		return nil
	}
	return ns.WithNetNSPath(netns, func(ns.NetNS) error { return configureDevice(dev, msg) })
}

func linkUp(name string, mtu int) error {
	l, err := netlink.LinkByName(name)
	if err != nil {
		return err
	}
	if mtu > 0 {
		if err := netlink.LinkSetMTU(l, mtu); err != nil {
			return err
		}
	}
	return netlink.LinkSetUp(l)
}

// configureDevice gives the driver's device its address and MTU and the
// default route through the driver's gateway.
func configureDevice(dev string, msg *messages.ParentInitNetworkDriverCompleted) error {
	if err := linkUp(dev, msg.MTU); err != nil {
		return fmt.Errorf("%s: %w", dev, err)
	}
	l, err := netlink.LinkByName(dev)
	if err != nil {
		return err
	}
	ip := net.ParseIP(msg.IP)
	if ip == nil {
		return fmt.Errorf("%s: bad address %q from the network driver", dev, msg.IP)
	}
	addr := &netlink.Addr{IPNet: &net.IPNet{IP: ip, Mask: net.CIDRMask(msg.Netmask, 8*len(ip.To4()))}}
	if err := netlink.AddrAdd(l, addr); err != nil {
		return fmt.Errorf("%s: address %s: %w", dev, addr, err)
	}
	gw := net.ParseIP(msg.Gateway)
	if gw == nil {
		return fmt.Errorf("%s: bad gateway %q from the network driver", dev, msg.Gateway)
	}
	if err := netlink.RouteAdd(&netlink.Route{LinkIndex: l.Attrs().Index, Gw: gw}); err != nil {
		return fmt.Errorf("%s: default route via %s: %w", dev, gw, err)
	}
	return nil
}

// namespaceHosts is the host's /etc/hosts with this host's name added
// for the loopback addresses.
func namespaceHosts() ([]byte, error) {
	b, err := os.ReadFile("/etc/hosts")
	if err != nil {
		return nil, err
	}
	name, err := os.Hostname()
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(b, "\n127.0.0.1 %s\n::1 %s\n", name, name), nil
}

// claimActivationFDs makes the socket-activation fds the parent passed on
// this process's own: it goes on as the daemon, which takes them.
func claimActivationFDs() {
	use := os.Getenv(envUseActivation)
	os.Unsetenv(envUseActivation)
	if use != "true" {
		return
	}
	os.Setenv("LISTEN_PID", strconv.Itoa(os.Getpid()))
	os.Unsetenv("LISTEN_PIDFDID")
}

// PrepareNamespace finishes the single-id bootstrap inside the namespace
// (RunChild does the same for the subordinate mapping): the
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
