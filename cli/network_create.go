package cli

import (
	"fmt"
	"strings"

	"github.com/moby/moby/client"
)

// networkCreateCmd is `skiff network create`, with docker's flags.
type networkCreateCmd struct {
	Driver     string   `short:"d" default:"bridge" placeholder:"DRIVER" help:"Driver to manage the Network."`
	Opt        []string `short:"o" sep:"none" placeholder:"KEY=VALUE" help:"Set driver specific options."`
	Label      []string `sep:"none" placeholder:"KEY=VALUE" help:"Set metadata on a network."`
	Internal   bool     `help:"Restrict external access to the network."`
	IPv4       *bool    `name:"ipv4" negatable:"" help:"Enable or disable IPv4 address assignment (default true)."`
	IPv6       *bool    `name:"ipv6" negatable:"" help:"Enable or disable IPv6 address assignment."`
	Attachable bool     `help:"Enable manual container attachment."`
	Ingress    bool     `help:"Create swarm routing-mesh network."`
	Scope      string   `placeholder:"SCOPE" help:"Control the network's scope."`
	ConfigOnly bool     `help:"Create a configuration only network."`
	ConfigFrom string   `placeholder:"NETWORK" help:"The network from which to copy the configuration."`

	IPAMDriver string   `name:"ipam-driver" default:"default" placeholder:"DRIVER" help:"IP Address Management Driver."`
	Subnet     []string `placeholder:"CIDR" help:"Subnet in CIDR format that represents a network segment."`
	IPRange    []string `name:"ip-range" placeholder:"CIDR" help:"Allocate container ip from a sub-range."`
	Gateway    []string `placeholder:"IP" help:"IPv4 or IPv6 Gateway for the master subnet."`
	AuxAddress []string `name:"aux-address" sep:"none" placeholder:"NAME=IP" help:"Auxiliary IPv4 or IPv6 addresses used by Network driver."`
	IPAMOpt    []string `name:"ipam-opt" sep:"none" placeholder:"KEY=VALUE" help:"Set IPAM driver specific options."`

	Name string `arg:"" name:"network" help:"Name of the network."`
}

// Run creates the network and prints its ID, as docker does.
func (c *networkCreateCmd) Run(a *app) error {
	ipam, err := ipamConfig(ipamFlags{
		Driver: c.IPAMDriver, Subnets: c.Subnet, IPRanges: c.IPRange, Gateways: c.Gateway,
		AuxAddress: parseKVFlags(c.AuxAddress), Options: parseKVFlags(c.IPAMOpt),
	})
	if err != nil {
		return err
	}
	labels, err := networkLabels(c.Label)
	if err != nil {
		return err
	}
	opts := client.NetworkCreateOptions{
		Driver: c.Driver, Options: parseKVFlags(c.Opt), IPAM: ipam,
		Internal: c.Internal, EnableIPv4: c.IPv4, EnableIPv6: c.IPv6,
		Attachable: c.Attachable, Ingress: c.Ingress, Scope: c.Scope,
		ConfigOnly: c.ConfigOnly, Labels: labels,
	}
	opts.ConfigFrom = c.ConfigFrom
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.NetworkCreate(a.ctx, c.Name, opts)
	if err != nil {
		return err
	}
	for _, w := range res.Warning {
		fmt.Fprintln(a.Stderr, "WARNING:", w)
	}
	fmt.Fprintln(a.Stdout, res.ID)
	return nil
}

// networkLabels checks --label values as docker's ValidateLabel does.
func networkLabels(values []string) (map[string]string, error) {
	for _, l := range values {
		if k, _, _ := strings.Cut(l, "="); strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("invalid argument %q for \"--label\" flag: invalid label '%s': empty name", l, l)
		}
	}
	return kvMap(values), nil
}
