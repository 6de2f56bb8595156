// Package bridge is the bridge driver's data plane: a Linux bridge per
// network in the networks' namespace and a veth pair per endpoint, its
// outer end on the bridge and its inner end in the container's namespace,
// all through netlink (no ip(8) processes on the start path).
package bridge

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/network/netns"
)

// Handle opens a netlink handle in the namespace ns. Its socket is made
// on a thread that joined ns and keeps that namespace when used from any
// other thread. (netlink.NewHandleAt moves the thread back afterwards,
// which a user namespace's engine may not do for the host's namespace,
// and then hands the thread back to Go in the wrong namespace.)
func Handle(ns *os.File) (*netlink.Handle, error) {
	var h *netlink.Handle
	err := netns.Do(ns, func() error {
		var err error
		h, err = netlink.NewHandle(unix.NETLINK_ROUTE)
		return err
	})
	return h, err
}

// Bridge is one network's bridge device.
type Bridge struct {
	Name string
	// Gateway and Gateway6 are the gateway addresses with their subnet's
	// length; invalid when the family is off.
	Gateway, Gateway6 netip.Prefix
	MTU               int
}

// Ensure creates the bridge when missing and gives it its address; it
// is idempotent (an engine restart finds the bridge in place).
func Ensure(h *netlink.Handle, b Bridge) error {
	link, err := h.LinkByName(b.Name)
	if err != nil {
		if !isNotFound(err) {
			return err
		}
		la := netlink.NewLinkAttrs()
		la.Name = b.Name
		if b.MTU > 0 {
			la.MTU = b.MTU
		}
		if err := h.LinkAdd(&netlink.Bridge{LinkAttrs: la}); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("creating bridge %s: %w", b.Name, err)
		}
		if link, err = h.LinkByName(b.Name); err != nil {
			return err
		}
	}
	dropStaleAddrs(h, link, b)
	for _, gw := range []netip.Prefix{b.Gateway, b.Gateway6} {
		if !gw.IsValid() {
			continue
		}
		addr := &netlink.Addr{IPNet: ipNet(gw)}
		if gw.Addr().Is6() {
			addr.Flags = unix.IFA_F_NODAD
		}
		if err := h.AddrReplace(link, addr); err != nil {
			return fmt.Errorf("addressing bridge %s: %w", b.Name, err)
		}
	}
	if err := h.LinkSetUp(link); err != nil {
		return fmt.Errorf("bringing bridge %s up: %w", b.Name, err)
	}
	return nil
}

// DeleteLink removes a bridge, or a veth pair by either end; a missing
// one (a pair that went with its container's namespace) is no error.
func DeleteLink(h *netlink.Handle, name string) error {
	link, err := h.LinkByName(name)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	return h.LinkDel(link)
}

func ipNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: net.IP(p.Addr().AsSlice()), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

func isNotFound(err error) bool {
	var nf netlink.LinkNotFoundError
	return errors.As(err, &nf)
}

// dropStaleAddrs removes the global addresses a bridge kept from an earlier
// configuration (a daemon with another data root gave it another subnet),
// so that a reused bridge carries only this network's gateways.
func dropStaleAddrs(h *netlink.Handle, link netlink.Link, b Bridge) {
	addrs, err := h.AddrList(link, netlink.FAMILY_ALL)
	if err != nil {
		return
	}
	for _, a := range addrs {
		ip, ok := netip.AddrFromSlice(a.IP)
		if !ok || ip.IsLinkLocalUnicast() {
			continue
		}
		ones, _ := a.Mask.Size()
		p := netip.PrefixFrom(ip.Unmap(), ones)
		if p == b.Gateway || p == b.Gateway6 {
			continue
		}
		h.AddrDel(link, &a)
	}
}
