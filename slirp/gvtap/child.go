package gvtap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"unsafe"

	"github.com/rootless-containers/rootlesskit/v3/pkg/messages"
	"github.com/rootless-containers/rootlesskit/v3/pkg/network"
	"golang.org/x/sys/unix"
)

// maxFrame bounds a frame: the tap's MTU plus the Ethernet header, within
// the 16-bit length prefix of the helper's stream protocol.
const maxFrame = 65535

// ChildDriver is the driver's half inside the namespaces: it opens the
// tap device (made by the helper with nsenter) in the detached network
// namespace and relays its frames to the helper's socket, each with a
// 16-bit little-endian length first, the protocol the helper's
// gvisor-tap-vsock switch speaks on that socket.
type ChildDriver struct{}

// NewChildDriver returns the child half.
func NewChildDriver() network.ChildDriver { return ChildDriver{} }

// ChildDriverInfo: the child leaves addresses and routes to RootlessKit.
func (ChildDriver) ChildDriverInfo() (*network.ChildDriverInfo, error) {
	return &network.ChildDriverInfo{ConfiguresInterface: false}, nil
}

// ConfigureNetworkChild opens the tap and starts the relay.
func (ChildDriver) ConfigureNetworkChild(netmsg *messages.ParentInitNetworkDriverCompleted, detachedNetNSPath string) (string, error) {
	name := netmsg.Dev
	if name == "" {
		return "", errors.New("gvisor-tap-vsock: no tap device named by the parent")
	}
	sock := netmsg.NetworkDriverOpaque["socketPath"]
	if sock == "" {
		return "", errors.New("gvisor-tap-vsock: no socket path from the parent")
	}
	tap, err := openTapIn(detachedNetNSPath, name)
	if err != nil {
		return "", err
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		tap.Close()
		return "", fmt.Errorf("gvisor-tap-vsock: connecting to %s: %w", sock, err)
	}
	go tapToSocket(tap, conn)
	go socketToTap(conn, tap)
	return name, nil
}

// openTapIn opens the tap device name in the network namespace at nsPath
// ("" = this thread's). The open file keeps working from any thread.
func openTapIn(nsPath, name string) (*os.File, error) {
	if nsPath == "" {
		return openTap(name)
	}
	type result struct {
		f   *os.File
		err error
	}
	ch := make(chan result, 1)
	go func() {
		// The thread is left in the namespace and never unlocked: it
		// dies with this goroutine instead of going back to Go's pool.
		runtime.LockOSThread()
		ns, err := os.Open(nsPath)
		if err != nil {
			ch <- result{nil, err}
			return
		}
		defer ns.Close()
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			ch <- result{nil, err}
			return
		}
		if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
			ch <- result{nil, fmt.Errorf("gvisor-tap-vsock: entering %s: %w", nsPath, err)}
			return
		}
		f, err := openTap(name)
		ch <- result{f, err}
	}()
	r := <-ch
	return r.f, r.err
}

// openTap attaches to the existing tap device name.
func openTap(name string) (*os.File, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("gvisor-tap-vsock: opening /dev/net/tun: %w", err)
	}
	var req [unix.IFNAMSIZ + 64]byte
	copy(req[:unix.IFNAMSIZ-1], name)
	*(*uint16)(unsafe.Pointer(&req[unix.IFNAMSIZ])) = unix.IFF_TAP | unix.IFF_NO_PI
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.TUNSETIFF, uintptr(unsafe.Pointer(&req[0]))); errno != 0 {
		unix.Close(fd)
		return nil, fmt.Errorf("gvisor-tap-vsock: attaching to tap %s: %w", name, errno)
	}
	return os.NewFile(uintptr(fd), "/dev/net/tun"), nil
}

// tapToSocket sends each frame read from the tap with its length first,
// in one write.
func tapToSocket(tap io.Reader, conn io.Writer) {
	buf := make([]byte, 2+maxFrame)
	for {
		n, err := tap.Read(buf[2:])
		if err != nil {
			return
		}
		binary.LittleEndian.PutUint16(buf[:2], uint16(n))
		if _, err := conn.Write(buf[:2+n]); err != nil {
			return
		}
	}
}

// socketToTap writes each length-prefixed frame from the socket to the tap.
func socketToTap(conn io.Reader, tap io.Writer) {
	buf := make([]byte, maxFrame)
	var size [2]byte
	for {
		if _, err := io.ReadFull(conn, size[:]); err != nil {
			return
		}
		n := int(binary.LittleEndian.Uint16(size[:]))
		if _, err := io.ReadFull(conn, buf[:n]); err != nil {
			return
		}
		if _, err := tap.Write(buf[:n]); err != nil {
			return
		}
	}
}
