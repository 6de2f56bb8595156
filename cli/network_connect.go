package cli

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// networkConnectCmd is `skiff network connect`.
type networkConnectCmd struct {
	IP          string   `name:"ip" placeholder:"IPV4" help:"IPv4 address (e.g., \"172.30.100.104\")."`
	IP6         string   `name:"ip6" placeholder:"IPV6" help:"IPv6 address (e.g., \"2001:db8::33\")."`
	Link        []string `sep:"none" placeholder:"NAME:ALIAS" help:"Add link to another container."`
	Alias       []string `placeholder:"ALIAS" help:"Add network-scoped alias for the container."`
	LinkLocalIP []string `name:"link-local-ip" placeholder:"IP" help:"Add a link-local address for the container."`
	DriverOpt   []string `name:"driver-opt" placeholder:"KEY=VALUE" help:"driver options for the network."`
	GwPriority  int      `name:"gw-priority" help:"Highest gw-priority provides the default gateway. Accepts positive and negative values."`
	Network     string   `arg:"" name:"network" help:"Network to connect to."`
	Container   string   `arg:"" name:"container" help:"Container to connect."`
}

// Run connects the container with the endpoint settings the flags make.
func (c *networkConnectCmd) Run(a *app) error {
	ep, err := c.endpoint()
	if err != nil {
		return err
	}
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	_, err = cl.NetworkConnect(a.ctx, c.Network, client.NetworkConnectOptions{Container: c.Container, EndpointConfig: ep})
	return err
}

// endpoint builds the endpoint settings as docker's CLI sends them: an
// IPAMConfig always, empty when no address was asked for.
func (c *networkConnectCmd) endpoint() (*network.EndpointSettings, error) {
	opts, err := parseDriverOpts(c.DriverOpt)
	if err != nil {
		return nil, err
	}
	links, err := validateLinks(c.Link)
	if err != nil {
		return nil, err
	}
	ipam := &network.EndpointIPAMConfig{}
	if ipam.IPv4Address, err = parseOptAddr("--ip", c.IP); err != nil {
		return nil, err
	}
	if ipam.IPv6Address, err = parseOptAddr("--ip6", c.IP6); err != nil {
		return nil, err
	}
	for _, v := range c.LinkLocalIP {
		addr, err := parseOptAddr("--link-local-ip", v)
		if err != nil {
			return nil, err
		}
		ipam.LinkLocalIPs = append(ipam.LinkLocalIPs, addr)
	}
	return &network.EndpointSettings{
		IPAMConfig: ipam, Links: links, Aliases: c.Alias, DriverOpts: opts, GwPriority: c.GwPriority,
	}, nil
}

// parseOptAddr parses an optional IP flag value ("" = unset).
func parseOptAddr(flag, v string) (netip.Addr, error) {
	if v == "" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Addr{}, &flagValueError{flag, v, errors.New("invalid string being converted to IP address")}
	}
	return a, nil
}

// parseDriverOpts reads --driver-opt KEY=VALUE values, as docker's
// convertDriverOpt does.
func parseDriverOpts(values []string) (map[string]string, error) {
	m := map[string]string{}
	for _, v := range values {
		k, val, ok := strings.Cut(v, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, errors.New("invalid key/value pair format in driver options")
		}
		m[k] = strings.TrimSpace(val)
	}
	return m, nil
}

// validateLinks checks NAME[:ALIAS] values as docker's ValidateLink does.
func validateLinks(values []string) ([]string, error) {
	for _, v := range values {
		name, alias, _ := strings.Cut(v, ":")
		if name == "" || strings.Count(v, ":") > 1 || (strings.Contains(v, ":") && alias == "") {
			return nil, fmt.Errorf("invalid argument %q for \"--link\" flag: bad format for links: %s", v, v)
		}
	}
	return values, nil
}

// networkDisconnectCmd is `skiff network disconnect`.
type networkDisconnectCmd struct {
	Force     bool   `short:"f" help:"Force the container to disconnect from a network."`
	Network   string `arg:"" name:"network" help:"Network to disconnect from."`
	Container string `arg:"" name:"container" help:"Container to disconnect."`
}

// Run disconnects the container.
func (c *networkDisconnectCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	_, err = cl.NetworkDisconnect(a.ctx, c.Network, client.NetworkDisconnectOptions{Container: c.Container, Force: c.Force})
	return err
}
