// Package portfwd publishes container ports: it listens in the engine's
// network namespace (the host's, in detach-netns mode) and connects to the
// container's address from a socket made in the networks' namespace, so
// both legs are plain kernel sockets (TCP is copied with splice) and no
// user-mode network stack sits on the path.
package portfwd

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"syscall"
)

// Spec is one published port.
type Spec struct {
	Proto    string     // "tcp" or "udp"
	HostIP   netip.Addr // an unspecified address listens on all of that family
	HostPort int        // 0 picks a free port
	// Target is the container's address in the networks' namespace.
	Target netip.AddrPort
}

func (s Spec) String() string {
	return fmt.Sprintf("%s:%d:%s/%s", s.HostIP, s.HostPort, s.Target, s.Proto)
}

// Forwarder publishes ports into one network namespace.
type Forwarder struct {
	ns *os.File // nil: targets are in the engine's own namespace

	startDialers sync.Once
	dialq        chan dialReq // to the threads in ns (netns.go)
}

// New returns a forwarder whose targets live in the network namespace
// bound at nsPath; "" means the engine's own namespace.
func New(nsPath string) (*Forwarder, error) {
	if nsPath == "" {
		return &Forwarder{}, nil
	}
	f, err := os.Open(nsPath)
	if err != nil {
		return nil, fmt.Errorf("opening the networks' namespace: %w", err)
	}
	return &Forwarder{ns: f}, nil
}

// Port is a published port; Close stops it and drops its connections.
type Port struct {
	spec  Spec
	close func()
	once  sync.Once
}

// HostPort is the port listened on (the chosen one when Spec asked for 0).
func (p *Port) HostPort() int { return p.spec.HostPort }

// Spec is what was published, with the chosen host port.
func (p *Port) Spec() Spec { return p.spec }

// Close stops listening and closes the port's open connections.
func (p *Port) Close() { p.once.Do(p.close) }

// Publish starts forwarding s.
func (f *Forwarder) Publish(s Spec) (*Port, error) {
	if !s.Target.IsValid() {
		return nil, fmt.Errorf("publishing %s: no target address", s)
	}
	addr := net.JoinHostPort(s.HostIP.String(), strconv.Itoa(s.HostPort))
	switch s.Proto {
	case "tcp":
		ln, err := net.Listen(family("tcp", s.HostIP), addr)
		if err != nil {
			return nil, bindError(s, err)
		}
		s.HostPort = ln.Addr().(*net.TCPAddr).Port
		t := newTCPProxy(f, ln.(*net.TCPListener), s.Target)
		go t.serve()
		return &Port{spec: s, close: t.close}, nil
	case "udp":
		pc, err := net.ListenPacket(family("udp", s.HostIP), addr)
		if err != nil {
			return nil, bindError(s, err)
		}
		s.HostPort = pc.LocalAddr().(*net.UDPAddr).Port
		u := newUDPProxy(f, pc.(*net.UDPConn), s.Target)
		go u.serve()
		return &Port{spec: s, close: u.close}, nil
	}
	return nil, fmt.Errorf("publishing %s: unsupported protocol %q", s, s.Proto)
}

// family pins the listener to the host address's family: "::" must not
// also take the IPv4 port, which its own 0.0.0.0 listener holds.
func family(proto string, ip netip.Addr) string {
	if ip.Is4() || ip.Is4In6() {
		return proto + "4"
	}
	return proto + "6"
}

// BindError is a host port that could not be taken.
type BindError struct {
	Spec Spec
	Err  error // syscall.EADDRINUSE, syscall.EACCES...
}

func (e *BindError) Error() string {
	return fmt.Sprintf("failed to bind host port for %s: %v", e.Spec, e.Err)
}

func (e *BindError) Unwrap() error { return e.Err }

func bindError(s Spec, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return &BindError{Spec: s, Err: errno}
	}
	return &BindError{Spec: s, Err: err}
}
