package rootless

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"github.com/containernetworking/plugins/pkg/ns"
	"github.com/rootless-containers/rootlesskit/v3/pkg/messages"
	"github.com/rootless-containers/rootlesskit/v3/pkg/network"
	"golang.org/x/sys/unix"
)

// gvtapChild is the child half of gvisor-tap-vsock's driver for a child
// that goes on as the daemon (RunChild): like RootlessKit's, it opens the
// tap device the parent made and connects to the parent's socket, but it
// leaves the frame relay between the two (2-byte little-endian length,
// then the frame, in both directions) to the supervisor, which this
// process becomes. RootlessKit's runs the relay on goroutines of the
// child, which an exec would end.
type gvtapChild struct{}

// envTapRelay carries the tap and socket fds from RunChild to the daemon
// in the namespaces, which hands them to its supervisor.
const envTapRelay = "_SKIFF_TAP_RELAY"

func (gvtapChild) ChildDriverInfo() (*network.ChildDriverInfo, error) {
	return &network.ChildDriverInfo{ConfiguresInterface: false}, nil
}

func (gvtapChild) ConfigureNetworkChild(msg *messages.ParentInitNetworkDriverCompleted, netns string) (string, error) {
	if msg.Dev == "" {
		return "", errors.New("gvisor-tap-vsock: the parent named no tap device")
	}
	sock := msg.NetworkDriverOpaque["socketPath"]
	if sock == "" {
		return "", errors.New("gvisor-tap-vsock: the parent named no socket")
	}
	var tap, conn int
	err := ns.WithNetNSPath(netns, func(ns.NetNS) error {
		var err error
		if tap, err = openTap(msg.Dev); err != nil {
			return err
		}
		c, err := net.Dial("unix", sock)
		if err != nil {
			unix.Close(tap)
			return fmt.Errorf("gvisor-tap-vsock: connecting to %s: %w", sock, err)
		}
		f, err := c.(*net.UnixConn).File()
		c.Close()
		if err == nil {
			// An fd of our own: f's finalizer would close its.
			conn, err = unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 3)
			f.Close()
		}
		if err != nil {
			unix.Close(tap)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	os.Setenv(envTapRelay, strconv.Itoa(tap)+","+strconv.Itoa(conn))
	return msg.Dev, nil
}

// openTap attaches to the existing tap device name (TUNSETIFF, no packet
// information header), close-on-exec.
func openTap(name string) (int, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("opening /dev/net/tun: %w", err)
	}
	var req [unix.IFNAMSIZ + 64]byte
	copy(req[:unix.IFNAMSIZ-1], name)
	*(*uint16)(unsafe.Pointer(&req[unix.IFNAMSIZ])) = unix.IFF_TAP | unix.IFF_NO_PI
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.TUNSETIFF, uintptr(unsafe.Pointer(&req[0]))); errno != 0 {
		unix.Close(fd)
		return -1, fmt.Errorf("attaching to tap device %s: %w", name, errno)
	}
	return fd, nil
}

// TapRelay returns the tap and socket fds that the gvisor-tap-vsock child
// half left for the supervisor's relay, and takes them out of the
// environment; ok is false with another network driver.
func TapRelay() (tap, conn int, ok bool) {
	v := os.Getenv(envTapRelay)
	os.Unsetenv(envTapRelay)
	a, b, found := strings.Cut(v, ",")
	if !found {
		return 0, 0, false
	}
	tap, err1 := strconv.Atoi(a)
	conn, err2 := strconv.Atoi(b)
	return tap, conn, err1 == nil && err2 == nil && tap > 2 && conn > 2
}
