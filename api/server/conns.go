package server

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// connTracker counts open connections from http.Server.ConnState. A
// hijacked connection leaves the http.Server's bookkeeping (no StateClosed
// follows), so trackedConn reports its Close itself: an attached terminal
// keeps the daemon from going idle.
type connTracker struct {
	mu        sync.Mutex
	open      int
	idleSince time.Time
	onIdle    func()
}

func (t *connTracker) connState(c net.Conn, state http.ConnState) {
	tc, ok := c.(*trackedConn)
	if !ok {
		return
	}
	switch state {
	case http.StateNew:
		tc.tracker = t
		t.opened()
	case http.StateHijacked:
		tc.mu.Lock()
		tc.hijacked = true
		tc.mu.Unlock()
	case http.StateClosed:
		tc.release()
	}
}

func (t *connTracker) opened() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.open++
}

func (t *connTracker) closed() {
	t.mu.Lock()
	t.open--
	idle := t.open == 0
	if idle {
		t.idleSince = time.Now()
	}
	onIdle := t.onIdle
	t.mu.Unlock()
	if idle && onIdle != nil {
		onIdle()
	}
}

func (t *connTracker) active() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.open
}

func (t *connTracker) idle() (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.open > 0 {
		return time.Time{}, false
	}
	return t.idleSince, true
}

// trackedListener wraps accepted connections so ConnState can recognise
// them and hijacked ones report their Close.
type trackedListener struct {
	net.Listener
}

func (l *trackedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &trackedConn{Conn: c}, nil
}

type trackedConn struct {
	net.Conn
	mu       sync.Mutex
	tracker  *connTracker
	hijacked bool
	released bool
}

// Close closes the connection; for a hijacked one it is also the only sign
// that the connection is gone.
func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.mu.Lock()
	hijacked := c.hijacked
	c.mu.Unlock()
	if hijacked {
		c.release()
	}
	return err
}

// release counts the connection closed, once.
func (c *trackedConn) release() {
	c.mu.Lock()
	if c.released || c.tracker == nil {
		c.mu.Unlock()
		return
	}
	c.released = true
	t := c.tracker
	c.mu.Unlock()
	t.closed()
}

// CloseWrite half-closes hijacked streams (attach stdin EOF) when the
// underlying connection supports it, as a unix or TCP socket does.
func (c *trackedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Close()
}
