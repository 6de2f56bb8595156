package ipam

import (
	"fmt"
	"net/netip"
)

// Space allocates the addresses of one subnet: the network and broadcast
// addresses and the gateway are never handed out; without a requested
// address the next free one of Range after the last allocation is taken
// (Docker allocates serially, so a released address is not reused at
// once).
type Space struct {
	Subnet  netip.Prefix
	Range   netip.Prefix // where dynamic addresses come from; Subnet when unset
	Gateway netip.Addr
	used    map[netip.Addr]bool
	last    netip.Addr
}

// NewSpace makes the allocator of a subnet.
func NewSpace(subnet, rng netip.Prefix, gw netip.Addr) *Space {
	if !rng.IsValid() {
		rng = subnet
	}
	return &Space{Subnet: subnet.Masked(), Range: rng.Masked(), Gateway: gw, used: map[netip.Addr]bool{}}
}

// reserved are addresses no endpoint gets.
func (s *Space) reserved(a netip.Addr) bool {
	if a == s.Gateway || a == s.Subnet.Addr() {
		return true
	}
	return a.Is4() && s.Subnet.Bits() < 31 && a == lastAddr(s.Subnet)
}

// Allocate takes want (when valid) or the next free address.
func (s *Space) Allocate(want netip.Addr) (netip.Addr, error) {
	if want.IsValid() {
		if !s.Subnet.Contains(want) {
			return netip.Addr{}, fmt.Errorf("no configured subnet or ip-range contain the IP address %s", want)
		}
		if s.used[want] || s.reserved(want) {
			return netip.Addr{}, fmt.Errorf("Address already in use")
		}
		s.used[want] = true
		return want, nil
	}
	start := s.last
	if !start.IsValid() || !s.Range.Contains(start) {
		start = s.Range.Addr()
	}
	a := start
	for {
		a = a.Next()
		if !a.IsValid() || !s.Range.Contains(a) {
			a = s.Range.Addr()
		}
		if !s.used[a] && !s.reserved(a) {
			s.used[a] = true
			s.last = a
			return a, nil
		}
		if a == start {
			return netip.Addr{}, fmt.Errorf("no available IPv4 addresses on this network's address pools: %s", s.Subnet)
		}
	}
}

// Mark records an address as taken (an endpoint restored after an
// engine restart); it reports false when it already was.
func (s *Space) Mark(a netip.Addr) bool {
	if s.used[a] {
		return false
	}
	s.used[a] = true
	return true
}

// Release frees an address.
func (s *Space) Release(a netip.Addr) { delete(s.used, a) }

// InUse counts the allocated addresses.
func (s *Space) InUse() int { return len(s.used) }
