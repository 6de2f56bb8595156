package bridge

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Endpoint is one container interface on a bridge.
type Endpoint struct {
	Bridge   string
	HostIf   string // the outer end's name, "veth" + 7 hex as Docker's
	IfName   string // inside the container: eth0, eth1...
	Addr     netip.Prefix
	Addr6    netip.Prefix // optional
	Gateway  netip.Addr   // invalid: no default route (--internal)
	Gateway6 netip.Addr
	MAC      net.HardwareAddr
	MTU      int
}

// NewMAC is a random locally administered unicast address, as Docker 28
// gives endpoints.
func NewMAC() net.HardwareAddr {
	m := make(net.HardwareAddr, 6)
	rand.Read(m)
	m[0] = (m[0] | 0x02) &^ 0x01
	return m
}

// Attach creates the veth pair with its inner end made directly in the
// container's namespace (one netlink request), plugs the outer end into
// the bridge and configures the inner end. bh is a handle in the
// networks' namespace, ctrNS the container's namespace.
func Attach(bh *netlink.Handle, ctrNS *os.File, ep Endpoint) (err error) {
	br, err := bh.LinkByName(ep.Bridge)
	if err != nil {
		return fmt.Errorf("bridge %s: %w", ep.Bridge, err)
	}
	la := netlink.NewLinkAttrs()
	la.Name = ep.HostIf
	la.MasterIndex = br.Attrs().Index
	if ep.MTU > 0 {
		la.MTU = ep.MTU
	}
	veth := &netlink.Veth{LinkAttrs: la, PeerName: ep.IfName, PeerHardwareAddr: ep.MAC, PeerNamespace: netlink.NsFd(int(ctrNS.Fd())), PeerTxQLen: -1}
	if ep.MTU > 0 {
		veth.PeerMTU = uint32(ep.MTU)
	}
	if err := bh.LinkAdd(veth); err != nil {
		return fmt.Errorf("creating the veth pair %s: %w", ep.HostIf, err)
	}
	defer func() {
		if err != nil {
			DeleteLink(bh, ep.HostIf)
		}
	}()
	host, err := bh.LinkByName(ep.HostIf)
	if err != nil {
		return err
	}
	if err := bh.LinkSetUp(host); err != nil {
		return err
	}
	ch, err := Handle(ctrNS)
	if err != nil {
		return err
	}
	defer ch.Close()
	return Configure(ch, ep)
}

// Configure addresses the container's end, brings it (and lo) up
// and routes the default through the gateway.
func Configure(ch *netlink.Handle, ep Endpoint) error {
	if lo, err := ch.LinkByName("lo"); err == nil {
		ch.LinkSetUp(lo)
	}
	link, err := ch.LinkByName(ep.IfName)
	if err != nil {
		return err
	}
	for _, a := range []netip.Prefix{ep.Addr, ep.Addr6} {
		if !a.IsValid() {
			continue
		}
		addr := &netlink.Addr{IPNet: ipNet(a)}
		if a.Addr().Is6() {
			addr.Flags = unix.IFA_F_NODAD // usable at once, no 1 s duplicate detection
		}
		if err := ch.AddrAdd(link, addr); err != nil {
			return fmt.Errorf("addressing %s: %w", ep.IfName, err)
		}
	}
	if err := ch.LinkSetUp(link); err != nil {
		return err
	}
	for _, gw := range []netip.Addr{ep.Gateway, ep.Gateway6} {
		if !gw.IsValid() {
			continue
		}
		r := &netlink.Route{LinkIndex: link.Attrs().Index, Gw: net.IP(gw.AsSlice())}
		// a second network's gateway does not replace the first's (the
		// default route stays with the first network, as with dockerd)
		if err := ch.RouteAdd(r); err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("default route via %s: %w", gw, err)
		}
	}
	return nil
}
