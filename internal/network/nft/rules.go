// Package nft keeps the nftables rules of the networks' namespace: one
// "skiff" table per address family, rebuilt whole in one atomic batch
// whenever a network comes or goes. The rules do in effect what dockerd's
// iptables chains do: masquerade of each network's subnet toward any
// other interface (egress), no traffic between two bridges (isolation),
// and none in or out of an --internal network's bridge.
package nft

import (
	"net"
	"net/netip"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
)

// TableName is the table in both families.
const TableName = "skiff"

// Net is what the rules need of one bridge network.
type Net struct {
	Bridge   string
	Subnets  []netip.Prefix // IPv4 and IPv6
	Internal bool
}

// Rule is one rule of a chain with a readable text, for tests and logs.
type Rule struct {
	Chain string // "forward" or "postrouting"
	Text  string
	Exprs []expr.Any
}

// Build returns the rules of one family (nftables.TableFamilyIPv4 or
// IPv6) for nets, in order.
func Build(family nftables.TableFamily, nets []Net) []Rule {
	var out []Rule
	for _, n := range nets {
		if n.Internal {
			out = append(out,
				Rule{"forward", "iifname " + q(n.Bridge) + " oifname != " + q(n.Bridge) + " drop",
					join(ifname(expr.MetaKeyIIFNAME, n.Bridge, true), ifname(expr.MetaKeyOIFNAME, n.Bridge, false), drop())},
				Rule{"forward", "oifname " + q(n.Bridge) + " iifname != " + q(n.Bridge) + " drop",
					join(ifname(expr.MetaKeyOIFNAME, n.Bridge, true), ifname(expr.MetaKeyIIFNAME, n.Bridge, false), drop())})
		}
	}
	for _, a := range nets {
		for _, b := range nets {
			if a.Bridge == b.Bridge || a.Internal || b.Internal {
				continue // internal bridges are closed off above
			}
			out = append(out, Rule{"forward", "iifname " + q(a.Bridge) + " oifname " + q(b.Bridge) + " drop",
				join(ifname(expr.MetaKeyIIFNAME, a.Bridge, true), ifname(expr.MetaKeyOIFNAME, b.Bridge, true), drop())})
		}
	}
	for _, n := range nets {
		if n.Internal {
			continue
		}
		for _, s := range n.Subnets {
			if s.Addr().Is4() != (family == nftables.TableFamilyIPv4) {
				continue
			}
			fam := "ip"
			if !s.Addr().Is4() {
				fam = "ip6"
			}
			out = append(out, Rule{"postrouting", fam + " saddr " + s.String() + " oifname != " + q(n.Bridge) + " masquerade",
				join(saddr(s), ifname(expr.MetaKeyOIFNAME, n.Bridge, false), []expr.Any{&expr.Masq{}})})
		}
	}
	return out
}

func q(s string) string { return `"` + s + `"` }

func join(parts ...[]expr.Any) []expr.Any {
	var out []expr.Any
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// ifname matches an interface name (eq or neq).
func ifname(key expr.MetaKey, name string, eq bool) []expr.Any {
	op := expr.CmpOpEq
	if !eq {
		op = expr.CmpOpNeq
	}
	b := make([]byte, 16) // IFNAMSIZ, zero padded
	copy(b, name)
	return []expr.Any{&expr.Meta{Key: key, Register: 1}, &expr.Cmp{Op: op, Register: 1, Data: b}}
}

// saddr matches the source address against a prefix.
func saddr(p netip.Prefix) []expr.Any {
	p = p.Masked()
	off, n := uint32(12), uint32(4)
	if !p.Addr().Is4() {
		off, n = 8, 16
	}
	mask := net.CIDRMask(p.Bits(), int(n)*8)
	return []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: n},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: n, Mask: mask, Xor: make([]byte, n)},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: p.Addr().AsSlice()},
	}
}

func drop() []expr.Any { return []expr.Any{&expr.Verdict{Kind: expr.VerdictDrop}} }
