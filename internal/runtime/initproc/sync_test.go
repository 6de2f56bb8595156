package initproc

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestPeerClosed(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	c := &syncConn{fd: fds[0]}
	if c.peerClosed() {
		t.Error("peerClosed with the shim's end open")
	}
	unix.Close(fds[1])
	if !c.peerClosed() {
		t.Error("peerClosed missed the shim's end closing")
	}
}
