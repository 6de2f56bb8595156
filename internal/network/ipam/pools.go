// Package ipam allocates subnets from address pools and addresses within
// a subnet, with the defaults and messages of Docker's built-in IPAM.
package ipam

import (
	"errors"
	"fmt"
	"net/netip"
)

// Pool is one default-address-pools entry: subnets of prefix length Size
// are carved out of Base, in order.
type Pool struct {
	Base netip.Prefix
	Size int
}

// DefaultPools are Docker's local-scope defaults: 172.17-31.0.0/16, then
// 192.168.0.0/16 in /20s. The default bridge takes the first free one.
func DefaultPools() []Pool {
	var out []Pool
	for i := 17; i <= 31; i++ {
		out = append(out, Pool{Base: netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(i), 0, 0}), 16), Size: 16})
	}
	return append(out, Pool{Base: netip.MustParsePrefix("192.168.0.0/16"), Size: 20})
}

// ParsePool reads a daemon.json default-address-pools entry.
func ParsePool(base string, size int) (Pool, error) {
	p, err := netip.ParsePrefix(base)
	if err != nil {
		return Pool{}, fmt.Errorf("invalid base pool %q: %w", base, err)
	}
	if p != p.Masked() {
		return Pool{}, fmt.Errorf("invalid base pool %q: it should be %s", base, p.Masked())
	}
	if size < p.Bits() || size > p.Addr().BitLen() {
		return Pool{}, fmt.Errorf("invalid pools size: %d (base %s)", size, base)
	}
	return Pool{Base: p, Size: size}, nil
}

// ErrPoolsExhausted is Docker's error when no pool has room left.
var ErrPoolsExhausted = errors.New("all predefined address pools have been fully subnetted")

// NextSubnet returns the first subnet of the pools that overlaps none of
// used (existing networks, host routes, nameservers).
func NextSubnet(pools []Pool, used []netip.Prefix) (netip.Prefix, error) {
	for _, p := range pools {
		if s, ok := nextInPool(p, used); ok {
			return s, nil
		}
	}
	return netip.Prefix{}, ErrPoolsExhausted
}

// nextInPool walks the pool's subnets, jumping past a used prefix rather
// than stepping one subnet at a time (a /8 pool of /24s is 65536 steps).
func nextInPool(p Pool, used []netip.Prefix) (netip.Prefix, bool) {
	cand := netip.PrefixFrom(p.Base.Addr(), p.Size)
	for p.Base.Contains(cand.Addr()) {
		var hit *netip.Prefix
		for i := range used {
			if used[i].Overlaps(cand) {
				hit = &used[i]
				break
			}
		}
		if hit == nil {
			return cand, true
		}
		// the next candidate starts after the larger of the two
		end := lastAddr(cand)
		if hit.Bits() < cand.Bits() {
			end = lastAddr(hit.Masked())
		}
		next := end.Next()
		if !next.IsValid() {
			return netip.Prefix{}, false
		}
		cand = netip.PrefixFrom(next, p.Size).Masked()
		if cand.Addr().Less(next) {
			// next was not aligned: move to the following subnet
			cand = netip.PrefixFrom(lastAddr(cand).Next(), p.Size)
			if !cand.Addr().IsValid() {
				return netip.Prefix{}, false
			}
		}
	}
	return netip.Prefix{}, false
}

// lastAddr is the highest address of p (its broadcast for IPv4).
func lastAddr(p netip.Prefix) netip.Addr {
	p = p.Masked()
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}
