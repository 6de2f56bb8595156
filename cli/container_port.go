package cli

import (
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// portCmd is `skiff port` and `skiff container port`.
type portCmd struct {
	Container string `arg:"" name:"container" help:"The container."`
	Port      string `arg:"" optional:"" name:"private-port" help:"PRIVATE_PORT[/PROTO] (default proto tcp)."`
}

// Run lists the container's published ports as the docker CLI does:
// "80/tcp -> 0.0.0.0:8080" lines, or the host addresses of one port.
func (c *portCmd) Run(a *app) error {
	cl, err := a.apiClient()
	if err != nil {
		return err
	}
	res, err := cl.ContainerInspect(a.ctx, c.Container, client.ContainerInspectOptions{})
	if err != nil {
		return err
	}
	var ports network.PortMap
	if ns := res.Container.NetworkSettings; ns != nil {
		ports = ns.Ports
	}
	if c.Port != "" {
		p, err := network.ParsePort(c.Port)
		if err != nil {
			return err
		}
		bs := ports[p]
		if len(bs) == 0 {
			return fmt.Errorf("Error: No public port '%s' published for %s", p, c.Container)
		}
		for _, b := range bs {
			fmt.Fprintln(a.Stdout, hostAddr(b))
		}
		return nil
	}
	keys := make([]network.Port, 0, len(ports))
	for p := range ports {
		keys = append(keys, p)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Num() != keys[j].Num() {
			return keys[i].Num() < keys[j].Num()
		}
		return keys[i].Proto() < keys[j].Proto()
	})
	for _, p := range keys {
		for _, b := range ports[p] {
			fmt.Fprintf(a.Stdout, "%s -> %s\n", p, hostAddr(b))
		}
	}
	return nil
}

// hostAddr is "ip:port", bracketed for IPv6 ("[::]:8080").
func hostAddr(b network.PortBinding) string {
	ip := ""
	if b.HostIP.IsValid() {
		ip = b.HostIP.String()
	}
	return net.JoinHostPort(ip, strings.TrimSpace(b.HostPort))
}
