package server

import (
	"net"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// watchHangup calls onHangup when the peer of conn has closed it entirely
// (POLLHUP), which a half-close (the client's CloseWrite to end stdin)
// does not raise on a unix socket. A hijacked connection has no request
// context watching it any more, so this is how attach learns that a client
// with nothing to send has gone. The returned stop ends the watch; call it
// before closing conn.
func watchHangup(conn net.Conn, onHangup func()) (stop func()) {
	noop := func() {}
	if tc, ok := conn.(*trackedConn); ok {
		conn = tc.Conn
	}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return noop
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return noop
	}
	// Poll a dup of the socket, not the socket itself, so closing conn
	// never waits on this watch (Go's Close waits for RawConn.Control).
	fd := -1
	if err := raw.Control(func(s uintptr) { fd, err = unix.Dup(int(s)) }); err != nil || fd < 0 {
		return noop
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		_ = unix.Close(fd)
		return noop
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer unix.Close(fd)
		fds := []unix.PollFd{{Fd: int32(fd)}, {Fd: int32(wake), Events: unix.POLLIN}}
		for {
			_, err := unix.Poll(fds, -1)
			if err == unix.EINTR {
				continue
			}
			if err != nil || fds[1].Revents != 0 {
				return
			}
			if fds[0].Revents&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
				onHangup()
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			var one [8]byte
			one[0] = 1 // eventfd counters are host-endian; any non-zero works
			_, _ = unix.Write(wake, one[:])
			<-done
			// Closed only here, once the poller is gone: its number can
			// not be reused under a write.
			_ = unix.Close(wake)
		})
	}
}
