package ipam

import (
	"net/netip"
	"testing"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func TestNextSubnet(t *testing.T) {
	tests := []struct {
		name  string
		pools []Pool
		used  []string
		want  string
	}{
		{"first default", DefaultPools(), nil, "172.17.0.0/16"},
		{"skips used", DefaultPools(), []string{"172.17.0.0/16", "172.18.0.0/16"}, "172.19.0.0/16"},
		{"a small route inside", DefaultPools(), []string{"172.17.5.0/24"}, "172.18.0.0/16"},
		{"a big route across", DefaultPools(), []string{"172.16.0.0/12"}, "192.168.0.0/20"},
		{"in /20s", DefaultPools(), []string{"172.16.0.0/12", "192.168.0.0/20", "192.168.16.0/24"}, "192.168.32.0/20"},
		{"custom pool", []Pool{{pfx("10.10.0.0/16"), 24}}, []string{"10.10.0.0/24"}, "10.10.1.0/24"},
	}
	for _, tt := range tests {
		var used []netip.Prefix
		for _, u := range tt.used {
			used = append(used, pfx(u))
		}
		got, err := NextSubnet(tt.pools, used)
		if err != nil || got.String() != tt.want {
			t.Errorf("%s: got %v, %v; want %s", tt.name, got, err, tt.want)
		}
	}
}

func TestNextSubnetExhausted(t *testing.T) {
	_, err := NextSubnet([]Pool{{pfx("10.0.0.0/23"), 24}}, []netip.Prefix{pfx("10.0.0.0/24"), pfx("10.0.1.0/24")})
	if err != ErrPoolsExhausted {
		t.Fatalf("got %v", err)
	}
}

func TestParsePool(t *testing.T) {
	if _, err := ParsePool("10.0.0.0/8", 24); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		base string
		size int
	}{{"10.0.0.1/8", 24}, {"10.0.0.0/8", 4}, {"10.0.0.0/8", 33}, {"nope", 24}} {
		if _, err := ParsePool(c.base, c.size); err == nil {
			t.Errorf("%s/%d: no error", c.base, c.size)
		}
	}
}

func TestSpace(t *testing.T) {
	s := NewSpace(pfx("10.1.0.0/29"), netip.Prefix{}, netip.MustParseAddr("10.1.0.1"))
	var got []string
	for {
		a, err := s.Allocate(netip.Addr{})
		if err != nil {
			break
		}
		got = append(got, a.String())
	}
	// .0 network, .1 gateway, .7 broadcast are reserved
	want := []string{"10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5", "10.1.0.6"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v", got)
		}
	}
	s.Release(netip.MustParseAddr("10.1.0.4"))
	if a, err := s.Allocate(netip.Addr{}); err != nil || a.String() != "10.1.0.4" {
		t.Fatalf("reuse: %v %v", a, err)
	}
}

func TestSpaceSerialAndRequested(t *testing.T) {
	s := NewSpace(pfx("10.2.0.0/24"), pfx("10.2.0.128/25"), netip.MustParseAddr("10.2.0.1"))
	a, _ := s.Allocate(netip.Addr{})
	if a.String() != "10.2.0.129" {
		t.Fatalf("range start: %v", a)
	}
	s.Release(a)
	b, _ := s.Allocate(netip.Addr{})
	if b.String() != "10.2.0.130" {
		t.Fatalf("serial: %v", b)
	}
	if _, err := s.Allocate(netip.MustParseAddr("10.2.0.5")); err != nil {
		t.Fatalf("requested outside the range but in the subnet: %v", err)
	}
	if _, err := s.Allocate(netip.MustParseAddr("10.2.0.5")); err == nil {
		t.Fatal("double allocation")
	}
	if _, err := s.Allocate(netip.MustParseAddr("10.3.0.5")); err == nil {
		t.Fatal("outside the subnet")
	}
	if _, err := s.Allocate(netip.MustParseAddr("10.2.0.1")); err == nil {
		t.Fatal("the gateway")
	}
}
