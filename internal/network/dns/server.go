// Package dns is the embedded DNS server of user-defined networks: like
// dockerd's, it answers at 127.0.0.11 inside each container's network
// namespace with the names of the containers on the same networks and
// forwards other questions to the host's resolvers. The sockets are
// opened in the container's namespace and served by the engine, which
// sits in the host's namespace: its upstream queries reach even a
// resolver on the host's loopback.
package dns

import (
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/skiff-engine/skiff/internal/network/netns"
)

// Address is where the server listens in each container.
const Address = "127.0.0.11"

// ttl is Docker's TTL for container records.
const ttl = 600

// Names answers for one container: the addresses of a name on its
// networks (ok false: not a container name there) and the name of an
// address for PTR queries.
type Names interface {
	LookupName(name string) (v4, v6 []netip.Addr, ok bool)
	LookupAddr(a netip.Addr) (string, bool)
}

// Server serves one container.
type Server struct {
	udp, tcp *dns.Server
	names    Names
	upstream []string // host:port
	client   *dns.Client
	once     sync.Once
}

// Start opens 127.0.0.11:53 (UDP and TCP) in the namespace ns and serves
// it until Close. upstream are the resolvers for other names.
func Start(ns *os.File, names Names, upstream []string) (*Server, error) {
	var pc net.PacketConn
	var ln net.Listener
	err := netns.Do(ns, func() error {
		var err error
		if pc, err = net.ListenPacket("udp4", Address+":53"); err != nil {
			return err
		}
		if ln, err = net.Listen("tcp4", Address+":53"); err != nil {
			pc.Close()
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s := &Server{names: names, upstream: upstream, client: &dns.Client{Timeout: 4 * time.Second}}
	s.udp = &dns.Server{PacketConn: pc, Handler: s}
	s.tcp = &dns.Server{Listener: ln, Handler: s}
	go s.udp.ActivateAndServe()
	go s.tcp.ActivateAndServe()
	return s, nil
}

// Close stops serving and closes the sockets.
func (s *Server) Close() {
	s.once.Do(func() {
		s.udp.Shutdown()
		s.tcp.Shutdown()
	})
}

// ServeDNS answers one query.
func (s *Server) ServeDNS(w dns.ResponseWriter, q *dns.Msg) {
	if r := s.local(q); r != nil {
		w.WriteMsg(r)
		return
	}
	w.WriteMsg(s.forward(q, w.RemoteAddr().Network()))
}

// local answers from the container names, or returns nil to forward.
func (s *Server) local(q *dns.Msg) *dns.Msg {
	if len(q.Question) != 1 {
		return nil
	}
	qq := q.Question[0]
	name := strings.ToLower(strings.TrimSuffix(qq.Name, "."))
	switch qq.Qtype {
	case dns.TypeA, dns.TypeAAAA:
		v4, v6, ok := s.names.LookupName(name)
		if !ok {
			return nil
		}
		r := new(dns.Msg)
		r.SetReply(q)
		r.Authoritative = true
		r.RecursionAvailable = true
		hdr := dns.RR_Header{Name: qq.Name, Class: dns.ClassINET, Ttl: ttl}
		if qq.Qtype == dns.TypeA {
			hdr.Rrtype = dns.TypeA
			for _, a := range v4 {
				r.Answer = append(r.Answer, &dns.A{Hdr: hdr, A: net.IP(a.AsSlice())})
			}
		} else {
			hdr.Rrtype = dns.TypeAAAA
			for _, a := range v6 {
				r.Answer = append(r.Answer, &dns.AAAA{Hdr: hdr, AAAA: net.IP(a.AsSlice())})
			}
		}
		return r
	case dns.TypePTR:
		a, ok := reverseAddr(name)
		if !ok {
			return nil
		}
		host, ok := s.names.LookupAddr(a)
		if !ok {
			return nil
		}
		r := new(dns.Msg)
		r.SetReply(q)
		r.Authoritative = true
		r.Answer = append(r.Answer, &dns.PTR{Hdr: dns.RR_Header{Name: qq.Name, Rrtype: dns.TypePTR, Class: dns.ClassINET, Ttl: ttl}, Ptr: dns.Fqdn(host)})
		return r
	}
	return nil
}

// forward asks the upstream resolvers in turn; SERVFAIL when none answers.
func (s *Server) forward(q *dns.Msg, netw string) *dns.Msg {
	c := *s.client
	if netw == "tcp" {
		c.Net = "tcp"
	}
	for _, u := range s.upstream {
		r, _, err := c.Exchange(q, u)
		if err == nil && r != nil {
			return r
		}
	}
	r := new(dns.Msg)
	r.SetRcode(q, dns.RcodeServerFailure)
	return r
}

// reverseAddr reads an in-addr.arpa / ip6.arpa name.
func reverseAddr(name string) (netip.Addr, bool) {
	if v, ok := strings.CutSuffix(name, ".in-addr.arpa"); ok {
		p := strings.Split(v, ".")
		if len(p) != 4 {
			return netip.Addr{}, false
		}
		a, err := netip.ParseAddr(p[3] + "." + p[2] + "." + p[1] + "." + p[0])
		return a, err == nil
	}
	if v, ok := strings.CutSuffix(name, ".ip6.arpa"); ok {
		p := strings.Split(v, ".")
		if len(p) != 32 {
			return netip.Addr{}, false
		}
		var b strings.Builder
		for i := 31; i >= 0; i-- {
			b.WriteString(p[i])
			if i%4 == 0 && i > 0 {
				b.WriteByte(':')
			}
		}
		a, err := netip.ParseAddr(b.String())
		return a, err == nil
	}
	return netip.Addr{}, false
}
