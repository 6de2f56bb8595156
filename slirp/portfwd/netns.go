package portfwd

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// dialers is how many threads wait in the namespace to dial: a dial to
// a container that vanished blocks one until its timeout, not all.
const dialers = 16

type dialReq struct {
	ctx     context.Context
	network string
	addr    string
	res     chan dialRes
}

type dialRes struct {
	c   net.Conn
	err error
}

// dial connects to addr from a socket made in the forwarder's namespace
// (a socket keeps the namespace it was made in).
func (f *Forwarder) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	if f.ns == nil {
		return d.DialContext(ctx, network, addr)
	}
	f.startDialers.Do(func() {
		f.dialq = make(chan dialReq)
		for range dialers {
			go f.dialer()
		}
	})
	req := dialReq{ctx: ctx, network: network, addr: addr, res: make(chan dialRes, 1)}
	select {
	case f.dialq <- req:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	r := <-req.res
	return r.c, r.err
}

// dialer is a thread that joined the namespace for good. The engine, in
// a user namespace, may not setns back into the host's namespace, so a
// thread that joined stays there (locked: it serves nothing else) rather
// than being made per connection.
func (f *Forwarder) dialer() {
	runtime.LockOSThread()
	if err := unix.Setns(int(f.ns.Fd()), unix.CLONE_NEWNET); err != nil {
		err = fmt.Errorf("joining the networks' namespace: %w", err)
		for req := range f.dialq {
			req.res <- dialRes{nil, err}
		}
		return
	}
	var d net.Dialer
	for req := range f.dialq {
		c, err := d.DialContext(req.ctx, req.network, req.addr)
		req.res <- dialRes{c, err}
	}
}

// Do runs fn on a thread in the forwarder's namespace, for sockets that
// must live there (listeners); the thread is thrown away afterwards.
func (f *Forwarder) Do(fn func() error) error {
	if f.ns == nil {
		return fn()
	}
	errc := make(chan error, 1)
	go func() {
		// Never unlocked: the thread exits with this goroutine.
		runtime.LockOSThread()
		if err := unix.Setns(int(f.ns.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("joining the networks' namespace: %w", err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// Namespace is the namespace file the forwarder targets; nil for the
// engine's own.
func (f *Forwarder) Namespace() *os.File { return f.ns }
