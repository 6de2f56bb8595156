package cli

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/network"
)

// ipamFlags are `network create`'s address-management flags.
type ipamFlags struct {
	Driver     string
	Subnets    []string
	IPRanges   []string
	Gateways   []string
	AuxAddress map[string]string
	Options    map[string]string
}

// ipamConfig groups the flags into one IPAMConfig per subnet, checking as
// docker's CLI does (with its messages) that each range, gateway and
// auxiliary address falls inside exactly one of the subnets. Whether the
// subnet is canonical, free or in range is the daemon's to say.
func ipamConfig(f ipamFlags) (*network.IPAM, error) {
	if len(f.Subnets) < len(f.IPRanges) || len(f.Subnets) < len(f.Gateways) {
		return nil, errors.New("every ip-range or gateway must have a corresponding subnet")
	}
	subnets := make([]*net.IPNet, len(f.Subnets))
	cfgs := make([]network.IPAMConfig, len(f.Subnets))
	for i, s := range f.Subnets {
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("invalid subnet: %w", err)
		}
		for _, prev := range subnets[:i] {
			if prev.Contains(n.IP) || n.Contains(prev.IP) {
				return nil, errors.New("multiple overlapping subnet configuration is not supported")
			}
		}
		subnets[i] = n
		// The subnet goes as typed (host bits and all): the daemon
		// refuses a non-canonical one with its own message.
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("invalid subnet: %w", err)
		}
		cfgs[i].Subnet = p
	}
	// owner returns the index of each subnet containing ip.
	owners := func(ip net.IP) []int {
		var idx []int
		for i, n := range subnets {
			if ip != nil && n.Contains(ip) {
				idx = append(idx, i)
			}
		}
		return idx
	}
	for _, r := range f.IPRanges {
		ip, _, err := net.ParseCIDR(r)
		if err != nil {
			return nil, err
		}
		idx := owners(ip)
		if len(idx) == 0 {
			return nil, fmt.Errorf("no matching subnet for range %s", r)
		}
		for _, i := range idx {
			if cfgs[i].IPRange.IsValid() {
				return nil, fmt.Errorf("cannot configure multiple ranges (%s, %s) on the same subnet (%s)", r, cfgs[i].IPRange, f.Subnets[i])
			}
			p, err := netip.ParsePrefix(r)
			if err != nil {
				return nil, err
			}
			cfgs[i].IPRange = p
		}
	}
	var err error
	for _, g := range f.Gateways {
		idx := owners(net.ParseIP(g))
		if len(idx) == 0 {
			return nil, fmt.Errorf("no matching subnet for gateway %s", g)
		}
		for _, i := range idx {
			if cfgs[i].Gateway.IsValid() {
				return nil, fmt.Errorf("cannot configure multiple gateways (%s, %s) for the same subnet (%s)", g, cfgs[i].Gateway, f.Subnets[i])
			}
			if cfgs[i].Gateway, err = netip.ParseAddr(g); err != nil {
				return nil, fmt.Errorf("invalid gateway %s: %w", g, err)
			}
		}
	}
	keys := make([]string, 0, len(f.AuxAddress))
	for k := range f.AuxAddress {
		keys = append(keys, k)
	}
	sort.Strings(keys) // a stable first error
	for _, k := range keys {
		a := f.AuxAddress[k]
		idx := owners(net.ParseIP(a))
		if len(idx) == 0 {
			return nil, fmt.Errorf("no matching subnet for aux-address %s", a)
		}
		for _, i := range idx {
			if cfgs[i].AuxAddress == nil {
				cfgs[i].AuxAddress = map[string]netip.Addr{}
			}
			if cfgs[i].AuxAddress[k], err = netip.ParseAddr(a); err != nil {
				return nil, fmt.Errorf("invalid aux-address %s: %w", a, err)
			}
		}
	}
	return &network.IPAM{Driver: f.Driver, Config: cfgs, Options: f.Options}, nil
}

// parseKVFlags reads repeated KEY=VALUE flags (-o, --ipam-opt,
// --aux-address) into a map; a value without "=" maps to "", as docker's
// MapOpts does.
func parseKVFlags(values []string) map[string]string {
	m := map[string]string{}
	for _, v := range values {
		k, val, _ := strings.Cut(v, "=")
		m[k] = val
	}
	return m
}
