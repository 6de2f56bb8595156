package containers

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/network"
)

// portPlan is one binding to make: container port, host address (zero:
// every address) and host port range (lo == 0: any free port).
type portPlan struct {
	port   network.Port
	hostIP netip.Addr
	lo, hi int
}

// planPorts lists the bindings of PortBindings, plus with publishAll a
// random host port for every exposed port that has no binding, in a
// stable order (container port, then as given).
func planPorts(bindings network.PortMap, publishAll bool, exposed network.PortSet) ([]portPlan, error) {
	var out []portPlan
	for p, bs := range bindings {
		if len(bs) == 0 {
			bs = []network.PortBinding{{}}
		}
		for _, b := range bs {
			lo, hi, err := hostPortRange(b.HostPort)
			if err != nil {
				return nil, err
			}
			out = append(out, portPlan{port: p, hostIP: b.HostIP, lo: lo, hi: hi})
		}
	}
	if publishAll {
		for p := range exposed {
			if _, ok := bindings[p]; !ok {
				out = append(out, portPlan{port: p})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].port, out[j].port
		if a.Num() != b.Num() {
			return a.Num() < b.Num()
		}
		return a.Proto() < b.Proto()
	})
	return out, nil
}

// hostPortRange reads a binding's HostPort: "", "0", "8080" or "8000-8010".
func hostPortRange(s string) (lo, hi int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	a, b, isRange := strings.Cut(s, "-")
	lo, err = strconv.Atoi(a)
	if err == nil && isRange {
		hi, err = strconv.Atoi(b)
	} else {
		hi = lo
	}
	if err != nil || lo < 0 || hi > 65535 || hi < lo {
		return 0, 0, fmt.Errorf("invalid host port: %q", s)
	}
	return lo, hi, nil
}
