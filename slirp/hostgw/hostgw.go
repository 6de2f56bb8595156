// Package hostgw is the fast path from containers to the host's loopback
// through the host-gateway address. The egress driver alone carries that
// traffic through a user-mode TCP stack (~1 Gbit/s); here nftables in the
// networks' namespace redirects TCP for the gateway address to a listener
// there, and the engine, which lives in the host's namespace, connects to
// 127.0.0.1 on the original port and splices: kernel sockets end to end.
// UDP, and TCP to port 53 (the driver's DNS), still go to the driver.
package hostgw

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/slirp/portfwd"
)

// TableName is the nftables table (ip family) this package owns in the
// networks' namespace.
const TableName = "skiff-hostgw"

// Server redirects and forwards connections to the host-gateway address.
type Server struct {
	gw     netip.Addr
	target netip.Addr
	ln     *net.TCPListener

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// Start listens in f's namespace and redirects TCP for gw there; target
// is the host address connections go to (127.0.0.1).
func Start(f *portfwd.Forwarder, gw, target netip.Addr) (*Server, error) {
	if !gw.Is4() || f.Namespace() == nil {
		return nil, errors.New("host-gateway fast path: needs an IPv4 gateway in a separate namespace")
	}
	var ln net.Listener
	err := f.Do(func() error {
		var err error
		if ln, err = net.Listen("tcp4", "0.0.0.0:0"); err != nil {
			return err
		}
		return redirect(gw, uint16(ln.Addr().(*net.TCPAddr).Port))
	})
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, fmt.Errorf("host-gateway fast path: %w", err)
	}
	s := &Server{gw: gw, target: target, ln: ln.(*net.TCPListener), conns: map[net.Conn]struct{}{}}
	go s.serve()
	return s, nil
}

// redirect installs, in the calling thread's namespace:
//
//	table ip skiff-hostgw { chain prerouting { type nat hook prerouting priority dstnat;
//	  ip daddr GW tcp dport != 53 redirect to :PORT } }
func redirect(gw netip.Addr, port uint16) error {
	c, err := nftables.New(nftables.AsLasting())
	if err != nil {
		return err
	}
	defer c.CloseLasting()
	t := &nftables.Table{Name: TableName, Family: nftables.TableFamilyIPv4}
	// add-then-delete empties a table whether it existed or not
	c.AddTable(t)
	c.DelTable(t)
	c.AddTable(t)
	ch := c.AddChain(&nftables.Chain{Name: "prerouting", Table: t, Type: nftables.ChainTypeNAT,
		Hooknum: nftables.ChainHookPrerouting, Priority: nftables.ChainPriorityNATDest})
	gw4 := gw.As4()
	c.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 16, Len: 4},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: gw4[:]},
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_TCP}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: binaryutil.BigEndian.PutUint16(53)},
		&expr.Immediate{Register: 1, Data: binaryutil.BigEndian.PutUint16(port)},
		&expr.Redir{RegisterProtoMin: 1, Flags: unix.NF_NAT_RANGE_PROTO_SPECIFIED},
	}})
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	return nil
}

func (s *Server) serve() {
	for {
		c, err := s.ln.AcceptTCP()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go s.forward(c)
	}
}

func (s *Server) forward(in *net.TCPConn) {
	defer in.Close()
	dst, err := originalDst(in)
	// Only redirected connections: the listener is also reachable directly.
	if err != nil || dst.Addr() != s.gw {
		return
	}
	out, err := net.DialTimeout("tcp4", netip.AddrPortFrom(s.target, dst.Port()).String(), 10*time.Second)
	if err != nil {
		in.SetLinger(0) // the client sees a reset, as from a closed port
		return
	}
	defer out.Close()
	if !s.track(in, out) {
		return
	}
	defer s.untrack(in, out)
	portfwd.Splice(in, out.(*net.TCPConn))
}

// originalDst is where a redirected connection was going (SO_ORIGINAL_DST).
func originalDst(c *net.TCPConn) (netip.AddrPort, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return netip.AddrPort{}, err
	}
	var dst netip.AddrPort
	var serr error
	err = rc.Control(func(fd uintptr) {
		// struct sockaddr_in fits an ipv6_mreq: port at 2, address at 4.
		m, err := unix.GetsockoptIPv6Mreq(int(fd), unix.SOL_IP, unix.SO_ORIGINAL_DST)
		if err != nil {
			serr = err
			return
		}
		b := m.Multiaddr
		dst = netip.AddrPortFrom(netip.AddrFrom4([4]byte{b[4], b[5], b[6], b[7]}), uint16(b[2])<<8|uint16(b[3]))
	})
	if err == nil {
		err = serr
	}
	return dst, err
}

func (s *Server) track(cs ...net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	for _, c := range cs {
		s.conns[c] = struct{}{}
	}
	return true
}

func (s *Server) untrack(cs ...net.Conn) {
	s.mu.Lock()
	for _, c := range cs {
		delete(s.conns, c)
	}
	s.mu.Unlock()
}

// Close stops the listener and its connections; the redirect rule stays
// (the next engine replaces it) so nothing falls back mid-restart to a
// port that is gone: new connections are refused until then.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
}
