package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// networkAttachment is one --network value: a bare name, or docker's
// advanced syntax "name=NET,alias=A,ip=…,ip6=…,mac-address=…,
// link-local-ip=…,driver-opt=K=V,gw-priority=N".
type networkAttachment struct {
	Target       string
	Aliases      []string
	Links        []string
	DriverOpts   map[string]string
	IPv4, IPv6   string
	LinkLocalIPs []string
	MacAddress   string
	GwPriority   int
}

// advancedNetworkSyntax is docker's test for the key=value form; like
// docker's it is unanchored, so "name=my-net" counts.
var advancedNetworkSyntax = regexp.MustCompile(`\w+=\w+(,\w+=\w+)*`)

// parseNetworkAttachment reads one --network value as docker's NetworkOpt
// does (keys and values lower-cased, as docker does too).
func parseNetworkAttachment(value string) (networkAttachment, error) {
	if !advancedNetworkSyntax.MatchString(value) {
		return networkAttachment{Target: value}, nil
	}
	fields, err := csv.NewReader(strings.NewReader(value)).Read()
	if err != nil {
		return networkAttachment{}, err
	}
	var n networkAttachment
	for _, field := range fields {
		key, val, ok := strings.Cut(strings.ToLower(field), "=")
		if !ok || key == "" {
			return networkAttachment{}, fmt.Errorf("invalid field %s", field)
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch key {
		case "name":
			n.Target = val
		case "alias":
			n.Aliases = append(n.Aliases, val)
		case "ip":
			n.IPv4 = val
		case "ip6":
			n.IPv6 = val
		case "mac-address":
			n.MacAddress = val
		case "link-local-ip":
			n.LinkLocalIPs = append(n.LinkLocalIPs, val)
		case "driver-opt":
			k, v, ok := strings.Cut(val, "=")
			k = strings.TrimSpace(k)
			if !ok || k == "" {
				return networkAttachment{}, errors.New("invalid key value pair format in driver options")
			}
			if n.DriverOpts == nil {
				n.DriverOpts = map[string]string{}
			}
			n.DriverOpts[k] = strings.TrimSpace(v)
		case "gw-priority":
			p, err := strconv.Atoi(val)
			if err != nil {
				var ne *strconv.NumError
				if errors.As(err, &ne) {
					err = ne.Err
				}
				return networkAttachment{}, fmt.Errorf("invalid gw-priority (%s): %w", val, err)
			}
			n.GwPriority = p
		default:
			return networkAttachment{}, errors.New("invalid field key " + key)
		}
	}
	if n.Target == "" {
		return networkAttachment{}, errors.New("network name/id is not specified")
	}
	return n, nil
}

// networking sets the network mode (the first --network, "default"
// without one) and one endpoint per network. The single-network flags
// (--network-alias, --link, --ip, --ip6, --mac-address, --link-local-ip)
// apply to the first network; a lone network with nothing to configure
// gets no endpoint, as docker sends it.
func (o *containerOptions) networking(h *container.HostConfig) (*network.NetworkingConfig, error) {
	var atts []networkAttachment
	for _, v := range append(append([]string(nil), o.Network...), o.Net...) {
		n, err := parseNetworkAttachment(v)
		if err != nil {
			return nil, &flagValueError{"--network", v, err}
		}
		atts = append(atts, n)
	}
	h.NetworkMode = "default"
	if len(atts) > 0 {
		h.NetworkMode = container.NetworkMode(atts[0].Target)
	}
	eps := map[string]*network.EndpointSettings{}
	if len(atts) == 0 {
		n := networkAttachment{Target: "default"}
		if err := o.applyToFirstNetwork(&n); err != nil {
			return nil, err
		}
		ep, err := endpointSettings(n)
		if err != nil {
			return nil, err
		}
		eps["default"] = ep
		return &network.NetworkingConfig{EndpointsConfig: eps}, nil
	}
	userDefined, builtin := false, false
	for i, n := range atts {
		if container.NetworkMode(n.Target).IsUserDefined() {
			userDefined = true
		} else {
			builtin = true
		}
		if i == 0 {
			if err := o.applyToFirstNetwork(&n); err != nil {
				return nil, err
			}
		}
		ep, err := endpointSettings(n)
		if err != nil {
			return nil, err
		}
		if _, dup := eps[n.Target]; dup {
			return nil, fmt.Errorf("network %q is specified multiple times", n.Target)
		}
		if i == 0 && len(atts) == 1 && isEmptyEndpoint(ep) {
			continue
		}
		eps[n.Target] = ep
	}
	if userDefined && builtin {
		return nil, errors.New("conflicting options: cannot attach both user-defined and non-user-defined network-modes")
	}
	return &network.NetworkingConfig{EndpointsConfig: eps}, nil
}

// applyToFirstNetwork moves the single-network flags onto n, refusing
// them where n's advanced syntax already says the same thing.
func (o *containerOptions) applyToFirstNetwork(n *networkAttachment) error {
	aliases := append(append([]string(nil), o.NetworkAlias...), o.NetAlias...)
	switch {
	case len(n.Aliases) > 0 && len(aliases) > 0:
		return errors.New("conflicting options: cannot specify both --network-alias and per-network alias")
	case n.IPv4 != "" && o.IP != "":
		return errors.New("conflicting options: cannot specify both --ip and per-network IPv4 address")
	case n.IPv6 != "" && o.IP6 != "":
		return errors.New("conflicting options: cannot specify both --ip6 and per-network IPv6 address")
	case n.MacAddress != "" && o.MacAddress != "":
		return errors.New("conflicting options: cannot specify both --mac-address and per-network MAC address")
	case len(n.LinkLocalIPs) > 0 && len(o.LinkLocalIP) > 0:
		return errors.New("conflicting options: cannot specify both --link-local-ip and per-network link-local IP addresses")
	}
	if len(aliases) > 0 {
		n.Aliases = aliases
	}
	// On a user-defined network --link is an endpoint alias; on the
	// default bridge it is a legacy link (HostConfig.Links).
	if container.NetworkMode(n.Target).IsUserDefined() && len(o.Link) > 0 {
		n.Links = append([]string(nil), o.Link...)
	}
	if o.IP != "" {
		a, err := netip.ParseAddr(o.IP)
		if err != nil || !a.Is4() {
			return &flagValueError{"--ip", o.IP, errors.New("invalid string being converted to IP address")}
		}
		n.IPv4 = o.IP
	}
	if o.IP6 != "" {
		if _, err := netip.ParseAddr(o.IP6); err != nil {
			return &flagValueError{"--ip6", o.IP6, errors.New("invalid string being converted to IP address")}
		}
		n.IPv6 = o.IP6
	}
	if o.MacAddress != "" {
		n.MacAddress = o.MacAddress
	}
	if len(o.LinkLocalIP) > 0 {
		n.LinkLocalIPs = append([]string(nil), o.LinkLocalIP...)
	}
	return nil
}

// endpointSettings turns an attachment into the API's endpoint settings.
func endpointSettings(n networkAttachment) (*network.EndpointSettings, error) {
	if strings.TrimSpace(n.Target) == "" {
		return nil, errors.New("no name set for network")
	}
	if !container.NetworkMode(n.Target).IsUserDefined() {
		if len(n.Aliases) > 0 {
			return nil, errors.New("network-scoped aliases are only supported for user-defined networks")
		}
		if len(n.Links) > 0 {
			return nil, errors.New("links are only supported for user-defined networks")
		}
	}
	ep := &network.EndpointSettings{Aliases: n.Aliases, Links: n.Links, DriverOpts: n.DriverOpts, GwPriority: n.GwPriority}
	if n.IPv4 != "" || n.IPv6 != "" || len(n.LinkLocalIPs) > 0 {
		ep.IPAMConfig = &network.EndpointIPAMConfig{}
		var err error
		if ep.IPAMConfig.IPv4Address, err = parseEndpointAddr(n.IPv4); err != nil {
			return nil, err
		}
		if ep.IPAMConfig.IPv6Address, err = parseEndpointAddr(n.IPv6); err != nil {
			return nil, err
		}
		for _, v := range n.LinkLocalIPs {
			a, err := parseEndpointAddr(v)
			if err != nil {
				return nil, err
			}
			ep.IPAMConfig.LinkLocalIPs = append(ep.IPAMConfig.LinkLocalIPs, a)
		}
	}
	if n.MacAddress != "" {
		mac, err := net.ParseMAC(strings.TrimSpace(n.MacAddress))
		if err != nil {
			return nil, fmt.Errorf("%s is not a valid mac address", n.MacAddress)
		}
		ep.MacAddress = network.HardwareAddr(mac)
	}
	return ep, nil
}

// parseEndpointAddr parses an optional endpoint address ("" = unset).
func parseEndpointAddr(v string) (netip.Addr, error) {
	if v == "" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("invalid IP address %q: %w", v, err)
	}
	return a, nil
}

func isEmptyEndpoint(ep *network.EndpointSettings) bool {
	return len(ep.Aliases) == 0 && len(ep.Links) == 0 && ep.IPAMConfig == nil &&
		len(ep.MacAddress) == 0 && len(ep.DriverOpts) == 0 && ep.GwPriority == 0
}
