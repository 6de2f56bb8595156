package cli

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/docker/go-connections/nat"
	"github.com/moby/moby/api/types/network"
)

// parsePorts reads -p ([ip:][hostPort:]containerPort[/proto], ranges, or
// the long form published=,target=,protocol=) and --expose (port or
// range) into the exposed ports and the port bindings. Every published
// port is exposed too.
func parsePorts(publish, expose []string) (network.PortSet, network.PortMap, error) {
	specs := make([]string, 0, len(publish))
	for _, p := range publish {
		if !strings.Contains(p, "=") {
			specs = append(specs, p)
			continue
		}
		params := map[string]string{"protocol": "tcp"}
		for _, kv := range strings.Split(p, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return nil, nil, fmt.Errorf("invalid publish opts format (should be name=value but got '%s')", kv)
			}
			params[k] = v
		}
		specs = append(specs, fmt.Sprintf("%s:%s/%s", params["published"], params["target"], params["protocol"]))
	}
	natExposed, natBindings, err := nat.ParsePortSpecs(specs)
	if err != nil {
		return nil, nil, err
	}
	exposed := network.PortSet{}
	bindings := network.PortMap{}
	for port, bs := range natBindings {
		p, err := network.ParsePort(string(port))
		if err != nil {
			return nil, nil, err
		}
		bindings[p] = []network.PortBinding{}
		for _, b := range bs {
			var ip netip.Addr
			if b.HostIP != "" {
				if ip, err = netip.ParseAddr(b.HostIP); err != nil {
					return nil, nil, err
				}
			}
			bindings[p] = append(bindings[p], network.PortBinding{HostIP: ip, HostPort: b.HostPort})
		}
	}
	for port := range natExposed {
		p, err := network.ParsePort(string(port))
		if err != nil {
			return nil, nil, err
		}
		exposed[p] = struct{}{}
	}
	for _, e := range expose {
		pr, err := network.ParsePortRange(e)
		if err != nil {
			return nil, nil, fmt.Errorf("invalid range format for --expose: %w", err)
		}
		for p := range pr.All() {
			exposed[p] = struct{}{}
		}
	}
	return exposed, bindings, nil
}
