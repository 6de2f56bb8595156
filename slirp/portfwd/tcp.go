package portfwd

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"sync"
	"time"
)

// dialTimeout bounds a connect to a container that does not answer.
const dialTimeout = 10 * time.Second

// tcpProxy accepts on a host port and splices each connection to the target.
type tcpProxy struct {
	f      *Forwarder
	ln     *net.TCPListener
	target netip.AddrPort

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	done   sync.WaitGroup
}

func newTCPProxy(f *Forwarder, ln *net.TCPListener, target netip.AddrPort) *tcpProxy {
	return &tcpProxy{f: f, ln: ln, target: target, conns: map[net.Conn]struct{}{}}
}

func (t *tcpProxy) serve() {
	var backoff time.Duration
	for {
		c, err := t.ln.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// EMFILE and friends: wait rather than spin.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		if !t.track(c) {
			c.Close()
			return
		}
		t.done.Add(1)
		go t.proxy(c)
	}
}

// track registers a connection for close; false once the port is closed.
func (t *tcpProxy) track(c net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.conns[c] = struct{}{}
	return true
}

func (t *tcpProxy) untrack(c net.Conn) {
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
	c.Close()
}

func (t *tcpProxy) proxy(in *net.TCPConn) {
	defer t.done.Done()
	defer t.untrack(in)
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	c, err := t.f.dial(ctx, "tcp", t.target.String())
	cancel()
	if err != nil {
		// As docker-proxy: the client sees a reset, not a hang.
		in.SetLinger(0)
		return
	}
	out := c.(*net.TCPConn)
	if !t.track(out) {
		out.Close()
		return
	}
	defer t.untrack(out)
	Splice(in, out)
}

// Splice copies both ways between a and b until both directions end.
func Splice(a, b *net.TCPConn) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pipe(b, a)
	}()
	pipe(a, b)
	wg.Wait()
}

// pipe copies src to dst until EOF, then passes the half-close on.
// Between two *net.TCPConn io.Copy uses splice: no copy through user space.
func pipe(dst, src *net.TCPConn) {
	io.Copy(dst, src)
	dst.CloseWrite()
	src.CloseRead()
}

func (t *tcpProxy) close() {
	t.mu.Lock()
	t.closed = true
	t.ln.Close()
	for c := range t.conns {
		c.Close()
	}
	t.mu.Unlock()
	t.done.Wait()
}
