package dns

import (
	"net/netip"
	"testing"

	"github.com/miekg/dns"
)

type table map[string][]netip.Addr

func (t table) LookupName(n string) (v4, v6 []netip.Addr, ok bool) {
	a, ok := t[n]
	return a, nil, ok
}

func (t table) LookupAddr(a netip.Addr) (string, bool) {
	for n, as := range t {
		for _, x := range as {
			if x == a {
				return n, true
			}
		}
	}
	return "", false
}

func TestLocal(t *testing.T) {
	s := &Server{names: table{"web": {netip.MustParseAddr("172.18.0.2")}}}
	q := new(dns.Msg)
	q.SetQuestion("Web.", dns.TypeA)
	r := s.local(q)
	if r == nil || len(r.Answer) != 1 || r.Answer[0].(*dns.A).A.String() != "172.18.0.2" {
		t.Fatalf("A: %v", r)
	}
	q.SetQuestion("web.", dns.TypeAAAA)
	if r := s.local(q); r == nil || len(r.Answer) != 0 || r.Rcode != dns.RcodeSuccess {
		t.Fatalf("AAAA of a container: %v", r)
	}
	q.SetQuestion("example.com.", dns.TypeA)
	if r := s.local(q); r != nil {
		t.Fatal("other names are forwarded")
	}
	q.SetQuestion("2.0.18.172.in-addr.arpa.", dns.TypePTR)
	if r := s.local(q); r == nil || r.Answer[0].(*dns.PTR).Ptr != "web." {
		t.Fatalf("PTR: %v", r)
	}
}

func TestReverseAddr(t *testing.T) {
	a, ok := reverseAddr("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa")
	if !ok || a.String() != "fd00::1" {
		t.Fatalf("%v %v", a, ok)
	}
}
