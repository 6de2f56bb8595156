package portfwd

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"time"
)

// udpIdle ends a UDP flow that has been quiet this long (docker-proxy
// uses 90 s too).
const udpIdle = 90 * time.Second

// udpProxy relays datagrams: one socket toward the target per client
// address, so replies find their way back.
type udpProxy struct {
	f      *Forwarder
	pc     *net.UDPConn
	target netip.AddrPort

	mu     sync.Mutex
	flows  map[netip.AddrPort]*net.UDPConn
	closed bool
	done   sync.WaitGroup
}

func newUDPProxy(f *Forwarder, pc *net.UDPConn, target netip.AddrPort) *udpProxy {
	return &udpProxy{f: f, pc: pc, target: target, flows: map[netip.AddrPort]*net.UDPConn{}}
}

func (u *udpProxy) serve() {
	buf := make([]byte, 65535)
	for {
		n, from, err := u.pc.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		out, err := u.flow(from)
		if err != nil {
			continue
		}
		out.Write(buf[:n])
	}
}

// flow returns the socket toward the target for client from, making it
// (and its reply loop) on the first datagram.
func (u *udpProxy) flow(from netip.AddrPort) (*net.UDPConn, error) {
	u.mu.Lock()
	out, ok := u.flows[from]
	u.mu.Unlock()
	if ok {
		return out, nil
	}
	c, err := u.f.dial(context.Background(), "udp", u.target.String())
	if err != nil {
		return nil, err
	}
	out = c.(*net.UDPConn)
	u.mu.Lock()
	if u.closed {
		u.mu.Unlock()
		out.Close()
		return nil, net.ErrClosed
	}
	u.flows[from] = out
	u.done.Add(1)
	u.mu.Unlock()
	go u.replies(from, out)
	return out, nil
}

func (u *udpProxy) replies(to netip.AddrPort, out *net.UDPConn) {
	defer u.done.Done()
	defer func() {
		u.mu.Lock()
		delete(u.flows, to)
		u.mu.Unlock()
		out.Close()
	}()
	buf := make([]byte, 65535)
	for {
		out.SetReadDeadline(time.Now().Add(udpIdle))
		n, err := out.Read(buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && !ne.Timeout() && !errors.Is(err, net.ErrClosed) {
				// ICMP unreachable from a port nobody listens on yet: keep the flow.
				continue
			}
			return
		}
		if _, err := u.pc.WriteToUDPAddrPort(buf[:n], to); err != nil && errors.Is(err, net.ErrClosed) {
			return
		}
	}
}

func (u *udpProxy) close() {
	u.mu.Lock()
	u.closed = true
	u.pc.Close()
	for _, c := range u.flows {
		c.Close()
	}
	u.mu.Unlock()
	u.done.Wait()
}
