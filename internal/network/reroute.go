package network

import (
	"cmp"
	"net"
	"slices"

	"github.com/vishvananda/netlink"

	"github.com/skiff-engine/skiff/internal/network/bridge"
	"github.com/skiff-engine/skiff/internal/network/netns"
	"github.com/skiff-engine/skiff/internal/network/vlan"
)

// gwCandidate is an endpoint that may carry a container's default route.
type gwCandidate struct {
	ifName   string
	gw4, gw6 net.IP
	prio     int
	name     string
}

// reroute gives a running container a default route again after the
// network that held it was disconnected: through the remaining network
// of highest gateway priority, then by network name, as dockerd picks
// its gateway endpoint.
func (s *Service) reroute(containerID string, pid int) {
	s.mu.Lock()
	var cs []gwCandidate
	for nid, ep := range s.byCtr[containerID] {
		n := s.nets[nid]
		// (an ipvlan l3 network routes through its device, not a gateway)
		if n == nil || n.noGateway() || vlan.L3(n.rec.Driver, n.rec.Options) {
			continue
		}
		c := gwCandidate{ifName: ep.IfName, prio: ep.GwPriority, name: n.rec.Name}
		if n.gw4.IsValid() {
			c.gw4 = net.IP(n.gw4.Addr().AsSlice())
		}
		if n.gw6.IsValid() {
			c.gw6 = net.IP(n.gw6.Addr().AsSlice())
		}
		cs = append(cs, c)
	}
	s.mu.Unlock()
	if len(cs) == 0 || pid <= 0 {
		return
	}
	slices.SortFunc(cs, func(a, b gwCandidate) int {
		if a.prio != b.prio {
			return cmp.Compare(b.prio, a.prio)
		}
		return cmp.Compare(a.name, b.name)
	})
	ns, err := netns.OfPid(pid)
	if err != nil {
		return
	}
	defer ns.Close()
	h, err := bridge.Handle(ns)
	if err != nil {
		return
	}
	defer h.Close()
	for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		if hasDefault(h, fam) {
			continue
		}
		for _, c := range cs {
			gw := c.gw4
			if fam == netlink.FAMILY_V6 {
				gw = c.gw6
			}
			l, err := h.LinkByName(c.ifName)
			if gw == nil || err != nil {
				continue
			}
			if err := h.RouteAdd(&netlink.Route{LinkIndex: l.Attrs().Index, Gw: gw}); err != nil {
				s.log.Warn().Err(err).Str("container", containerID).Msg("moving the default route")
			}
			break
		}
	}
}

func hasDefault(h *netlink.Handle, fam int) bool {
	rs, err := h.RouteList(nil, fam)
	if err != nil {
		return true
	}
	for _, r := range rs {
		if r.Dst == nil || r.Dst.IP.IsUnspecified() {
			if ones, _ := maskOf(r.Dst); ones == 0 {
				return true
			}
		}
	}
	return false
}

func maskOf(n *net.IPNet) (int, int) {
	if n == nil {
		return 0, 0
	}
	return n.Mask.Size()
}
