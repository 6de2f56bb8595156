// Package vlan is the data plane of the macvlan and ipvlan drivers
// (rootful only): each endpoint is a macvlan or ipvlan link on a host
// interface (the network's parent), made straight into the container's
// namespace, as dockerd's drivers do.
package vlan

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/containerd/errdefs"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/network/bridge"
)

// Driver names.
const (
	Macvlan = "macvlan"
	Ipvlan  = "ipvlan"
)

// Driver options, as dockerd names them.
const (
	OptParent      = "parent"
	OptMacvlanMode = "macvlan_mode"
	OptIpvlanMode  = "ipvlan_mode"
	OptIpvlanFlag  = "ipvlan_flag"
)

// CheckOptions validates the driver's mode options with dockerd's words.
func CheckOptions(driver string, opts map[string]string) error {
	if driver == Macvlan {
		if m, ok := opts[OptMacvlanMode]; ok {
			if _, ok := macvlanModes[m]; !ok {
				return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("requested macvlan mode '%s' is not valid, 'bridge' mode is the macvlan driver default", m))
			}
		}
		return nil
	}
	if m, ok := opts[OptIpvlanMode]; ok {
		if _, ok := ipvlanModes[m]; !ok {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("requested ipvlan mode '%s' is not valid, 'l2' mode is the ipvlan driver default", m))
		}
	}
	if f, ok := opts[OptIpvlanFlag]; ok {
		if _, ok := ipvlanFlags[f]; !ok {
			return errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("requested ipvlan flag '%s' is not valid, 'bridge' is the ipvlan driver default", f))
		}
	}
	return nil
}

var (
	macvlanModes = map[string]netlink.MacvlanMode{"": netlink.MACVLAN_MODE_BRIDGE, "bridge": netlink.MACVLAN_MODE_BRIDGE, "private": netlink.MACVLAN_MODE_PRIVATE, "vepa": netlink.MACVLAN_MODE_VEPA, "passthru": netlink.MACVLAN_MODE_PASSTHRU}
	ipvlanModes  = map[string]netlink.IPVlanMode{"": netlink.IPVLAN_MODE_L2, "l2": netlink.IPVLAN_MODE_L2, "l3": netlink.IPVLAN_MODE_L3, "l3s": netlink.IPVLAN_MODE_L3S}
	ipvlanFlags  = map[string]netlink.IPVlanFlag{"": netlink.IPVLAN_FLAG_BRIDGE, "bridge": netlink.IPVLAN_FLAG_BRIDGE, "private": netlink.IPVLAN_FLAG_PRIVATE, "vepa": netlink.IPVLAN_FLAG_VEPA}
)

// L3 reports whether an ipvlan network routes (no gateway: the default
// route is the device itself).
func L3(driver string, opts map[string]string) bool {
	return driver == Ipvlan && strings.HasPrefix(opts[OptIpvlanMode], "l3")
}

// DummyName is the parent made for a network created without one
// (dockerd: such a network is internal).
func DummyName(networkID string) string { return "dm-" + networkID[:12] }

// EnsureParent makes sure the parent interface exists: a missing
// "<if>.<vid>" is made as a VLAN subinterface of <if>, the dummy of a
// network without a parent is made. created says skiff made it (and
// RemoveParent takes it away with the network).
func EnsureParent(h *netlink.Handle, parent string, dummy bool) (created bool, err error) {
	if _, err := h.LinkByName(parent); err == nil {
		return false, nil
	}
	if dummy {
		la := netlink.NewLinkAttrs()
		la.Name = parent
		if err := h.LinkAdd(&netlink.Dummy{LinkAttrs: la}); err != nil {
			return false, fmt.Errorf("failed to create the %s parent link: %w", parent, err)
		}
		return true, setUp(h, parent)
	}
	base, vid, ok := strings.Cut(parent, ".")
	if !ok {
		return false, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("invalid subinterface vlan name %s, example formatting is eth0.10", parent))
	}
	id, err := strconv.Atoi(vid)
	if err != nil || id < 1 || id > 4094 || base == "" {
		return false, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("unable to parse a valid vlan id from: %s (ensure the vlan id is between 1-4094)", parent))
	}
	bl, err := h.LinkByName(base)
	if err != nil {
		return false, errdefs.ErrInvalidArgument.WithMessage(fmt.Sprintf("-o parent interface was not found on the host: %s", base))
	}
	la := netlink.NewLinkAttrs()
	la.Name, la.ParentIndex = parent, bl.Attrs().Index
	if err := h.LinkAdd(&netlink.Vlan{LinkAttrs: la, VlanId: id}); err != nil {
		return false, fmt.Errorf("failed to create %s vlan link: %w", parent, err)
	}
	return true, setUp(h, parent)
}

func setUp(h *netlink.Handle, name string) error {
	l, err := h.LinkByName(name)
	if err != nil {
		return err
	}
	return h.LinkSetUp(l)
}

// RemoveParent deletes a parent skiff made.
func RemoveParent(h *netlink.Handle, parent string) error {
	return bridge.DeleteLink(h, parent)
}

// Endpoint is a container interface on a parent.
type Endpoint struct {
	Driver, Parent string
	Options        map[string]string // the network's driver options
	// Inner is the container side: name, addresses, MAC (macvlan only),
	// MTU (0: the parent's), gateways.
	Inner bridge.Endpoint
}

// Attach makes the link on the parent in h's namespace directly into
// ctrNS (one netlink request) and configures it there.
func Attach(h *netlink.Handle, ctrNS *os.File, ep Endpoint) error {
	p, err := h.LinkByName(ep.Parent)
	if err != nil {
		return fmt.Errorf("the parent interface %s: %w", ep.Parent, err)
	}
	la := netlink.NewLinkAttrs()
	la.Name, la.ParentIndex, la.MTU = ep.Inner.IfName, p.Attrs().Index, ep.Inner.MTU
	la.Namespace = netlink.NsFd(int(ctrNS.Fd()))
	var link netlink.Link
	if ep.Driver == Macvlan {
		la.HardwareAddr = ep.Inner.MAC
		link = &netlink.Macvlan{LinkAttrs: la, Mode: macvlanModes[ep.Options[OptMacvlanMode]]}
	} else {
		link = &netlink.IPVlan{LinkAttrs: la, Mode: ipvlanModes[ep.Options[OptIpvlanMode]], Flag: ipvlanFlags[ep.Options[OptIpvlanFlag]]}
	}
	if err := h.LinkAdd(link); err != nil {
		return fmt.Errorf("failed to create the %s port: %w", ep.Driver, err)
	}
	ch, err := bridge.Handle(ctrNS)
	if err != nil {
		return err
	}
	defer ch.Close()
	inner := ep.Inner
	l3 := L3(ep.Driver, ep.Options)
	if l3 {
		inner.Gateway, inner.Gateway6 = netip.Addr{}, netip.Addr{}
	}
	err = bridge.Configure(ch, inner)
	if err == nil && l3 && ep.Inner.Gateway.IsValid() {
		err = defaultDev(ch, ep.Inner.IfName)
	}
	if err != nil {
		if l, lerr := ch.LinkByName(ep.Inner.IfName); lerr == nil {
			ch.LinkDel(l)
		}
	}
	return err
}

// defaultDev routes the default through the device (ipvlan l3: the
// parent routes, there is no next hop).
func defaultDev(ch *netlink.Handle, ifName string) error {
	l, err := ch.LinkByName(ifName)
	if err != nil {
		return err
	}
	for _, fam := range []int{unix.AF_INET, unix.AF_INET6} {
		dst := &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)}
		if fam == unix.AF_INET6 {
			if addrs, _ := ch.AddrList(l, netlink.FAMILY_V6); !hasGlobal(addrs) {
				continue
			}
			dst = &net.IPNet{IP: net.IPv6zero, Mask: net.CIDRMask(0, 128)}
		}
		r := &netlink.Route{LinkIndex: l.Attrs().Index, Dst: dst, Scope: netlink.SCOPE_LINK}
		if err := ch.RouteAdd(r); err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("default route via %s: %w", ifName, err)
		}
	}
	return nil
}

func hasGlobal(addrs []netlink.Addr) bool {
	for _, a := range addrs {
		if a.IP.IsGlobalUnicast() {
			return true
		}
	}
	return false
}

// Probe makes and deletes a link of the driver's type on the parent, so
// that a kernel without the module fails at network create, with a
// clear error, rather than at each container start.
func Probe(h *netlink.Handle, driver, parent, networkID string) error {
	p, err := h.LinkByName(parent)
	if err != nil {
		return err
	}
	la := netlink.NewLinkAttrs()
	la.Name, la.ParentIndex = "skp"+networkID[:12], p.Attrs().Index
	var link netlink.Link = &netlink.Macvlan{LinkAttrs: la, Mode: netlink.MACVLAN_MODE_BRIDGE}
	if driver == Ipvlan {
		link = &netlink.IPVlan{LinkAttrs: la, Mode: netlink.IPVLAN_MODE_L2}
	}
	if err := h.LinkAdd(link); err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOTSUP) || strings.Contains(err.Error(), "not supported") {
			return errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("the kernel has no %s support (module %s not loaded)", driver, driver))
		}
		return fmt.Errorf("failed to create a %s link on %s: %w", driver, parent, err)
	}
	return bridge.DeleteLink(h, la.Name)
}
