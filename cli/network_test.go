package cli

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/network"
)

func TestIPAMConfig(t *testing.T) {
	ok, err := ipamConfig(ipamFlags{
		Driver:  "default",
		Subnets: []string{"10.1.0.0/16", "fd00::/64"}, IPRanges: []string{"10.1.2.0/24"},
		Gateways: []string{"10.1.0.254", "fd00::1"}, AuxAddress: map[string]string{"r": "10.1.0.5"},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := ok.Config
	if len(c) != 2 || c[0].Subnet.String() != "10.1.0.0/16" || c[0].IPRange.String() != "10.1.2.0/24" ||
		c[0].Gateway.String() != "10.1.0.254" || c[0].AuxAddress["r"].String() != "10.1.0.5" ||
		c[1].Subnet.String() != "fd00::/64" || c[1].Gateway.String() != "fd00::1" {
		t.Errorf("config %+v", c)
	}
	// A subnet with host bits goes as typed: the daemon names the fix.
	hb, err := ipamConfig(ipamFlags{Subnets: []string{"10.1.0.1/24"}})
	if err != nil || hb.Config[0].Subnet.String() != "10.1.0.1/24" {
		t.Errorf("host bits: %v %+v", err, hb)
	}

	// docker's CLI messages.
	bad := []struct {
		f    ipamFlags
		want string
	}{
		{ipamFlags{Gateways: []string{"10.0.0.1"}}, "every ip-range or gateway must have a corresponding subnet"},
		{ipamFlags{Subnets: []string{"10.0.0.0/33"}}, "invalid subnet: invalid CIDR address: 10.0.0.0/33"},
		{ipamFlags{Subnets: []string{"10.0.0.0/16", "10.0.1.0/24"}}, "multiple overlapping subnet configuration is not supported"},
		{ipamFlags{Subnets: []string{"10.0.0.0/24"}, Gateways: []string{"10.9.0.1"}}, "no matching subnet for gateway 10.9.0.1"},
		{ipamFlags{Subnets: []string{"10.0.0.0/24"}, Gateways: []string{"nonsense"}}, "no matching subnet for gateway nonsense"},
		{ipamFlags{Subnets: []string{"10.0.0.0/24"}, IPRanges: []string{"10.9.0.0/25"}}, "no matching subnet for range 10.9.0.0/25"},
		{ipamFlags{Subnets: []string{"10.0.0.0/24"}, IPRanges: []string{"bad"}}, "invalid CIDR address: bad"},
		{ipamFlags{Subnets: []string{"10.0.0.0/24", "10.1.0.0/24"}, Gateways: []string{"10.0.0.1", "10.0.0.2"}},
			"cannot configure multiple gateways (10.0.0.2, 10.0.0.1) for the same subnet (10.0.0.0/24)"},
		{ipamFlags{Subnets: []string{"10.0.0.0/24"}, AuxAddress: map[string]string{"a": "10.5.0.1"}}, "no matching subnet for aux-address 10.5.0.1"},
	}
	for _, tc := range bad {
		if _, err := ipamConfig(tc.f); err == nil || err.Error() != tc.want {
			t.Errorf("%+v: error %v, want %q", tc.f, err, tc.want)
		}
	}
}

func TestParseNetworkAttachment(t *testing.T) {
	n, err := parseNetworkAttachment("name=front,alias=web,alias=www,ip=10.0.0.5,ip6=fd00::5,mac-address=02:42:ac:11:00:02,link-local-ip=169.254.0.9,driver-opt=com.x=1,gw-priority=-2")
	if err != nil {
		t.Fatal(err)
	}
	want := networkAttachment{
		Target: "front", Aliases: []string{"web", "www"}, IPv4: "10.0.0.5", IPv6: "fd00::5",
		MacAddress: "02:42:ac:11:00:02", LinkLocalIPs: []string{"169.254.0.9"},
		DriverOpts: map[string]string{"com.x": "1"}, GwPriority: -2,
	}
	if !reflect.DeepEqual(n, want) {
		t.Errorf("got %+v\nwant %+v", n, want)
	}
	for _, plain := range []string{"front", "container:abc", "host", "my-net"} {
		if n, err := parseNetworkAttachment(plain); err != nil || n.Target != plain {
			t.Errorf("%q: %+v %v", plain, n, err)
		}
	}
	for v, want := range map[string]string{
		"alias=x":              "network name/id is not specified",
		"name=a,bogus=1":       "invalid field key bogus",
		"name=a,gw-priority=x": "invalid gw-priority (x): invalid syntax",
		"name=a,noequals":      "invalid field noequals",
		"name=a,driver-opt=x":  "invalid key value pair format in driver options",
	} {
		if _, err := parseNetworkAttachment(v); err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %q", v, err, want)
		}
	}
}

func TestCreateAdvancedNetworkSyntax(t *testing.T) {
	body := createBody(t, nil, "--network", "name=front,alias=web,ip=10.0.0.5", "--network", "back", "--link", "db:database", "busybox")
	if body.HostConfig.NetworkMode != "front" {
		t.Errorf("network mode %q", body.HostConfig.NetworkMode)
	}
	eps := body.NetworkingConfig.EndpointsConfig
	front, back := eps["front"], eps["back"]
	if front == nil || back == nil || len(eps) != 2 {
		t.Fatalf("endpoints %+v", eps)
	}
	if !reflect.DeepEqual(front.Aliases, []string{"web"}) || !reflect.DeepEqual(front.Links, []string{"db:database"}) ||
		front.IPAMConfig == nil || front.IPAMConfig.IPv4Address.String() != "10.0.0.5" {
		t.Errorf("front %+v", front)
	}
	if len(back.Aliases) != 0 || back.IPAMConfig != nil {
		t.Errorf("back %+v", back)
	}
	one := createBody(t, nil, "--network", "front", "--network-alias", "a1", "--ip", "10.0.0.7", "--mac-address", "02:42:ac:11:00:02", "busybox")
	ep := one.NetworkingConfig.EndpointsConfig["front"]
	if ep == nil || !reflect.DeepEqual(ep.Aliases, []string{"a1"}) || ep.IPAMConfig.IPv4Address.String() != "10.0.0.7" ||
		ep.MacAddress.String() != "02:42:ac:11:00:02" {
		t.Errorf("single network endpoint %+v", ep)
	}
}

func TestCreateNetworkFlagErrors(t *testing.T) {
	host, _ := apiDaemon(t, routes{})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--network", "name=a,alias=x", "--network-alias", "y"}, "conflicting options: cannot specify both --network-alias and per-network alias"},
		{[]string{"--network", "name=a,ip=10.0.0.1", "--ip", "10.0.0.2"}, "conflicting options: cannot specify both --ip and per-network IPv4 address"},
		{[]string{"--network", "host", "--network-alias", "x"}, "network-scoped aliases are only supported for user-defined networks"},
		{[]string{"--network", "host", "--network", "front"}, "conflicting options: cannot attach both user-defined and non-user-defined network-modes"},
		{[]string{"--network", "a", "--network", "a"}, `network "a" is specified multiple times`},
		{[]string{"--network", "a", "--mac-address", "zz"}, "zz is not a valid mac address"},
	} {
		r := runCLI(t, nil, "", append(append([]string{"-H", host, "create"}, tc.args...), "busybox")...)
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%q: exit %d stderr %q, want %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

func TestNetworkLsTable(t *testing.T) {
	list := []network.Summary{
		{Network: network.Network{ID: strings.Repeat("b", 64), Name: "net10", Driver: "bridge", Scope: "local", Labels: map[string]string{"z": "1", "a": "2"}}},
		{Network: network.Network{ID: strings.Repeat("a", 64), Name: "net2", Driver: "bridge", Scope: "local"}},
		{Network: network.Network{ID: strings.Repeat("c", 64), Name: "host", Driver: "host", Scope: "local"}},
	}
	host, log := apiDaemon(t, routes{"GET /networks": jsonHandler(200, list)})
	r := runCLI(t, nil, "", "-H", host, "network", "ls", "-f", "driver=bridge")
	want := "NETWORK ID     NAME      DRIVER    SCOPE\n" +
		"cccccccccccc   host      host      local\n" +
		"aaaaaaaaaaaa   net2      bridge    local\n" +
		"bbbbbbbbbbbb   net10     bridge    local\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("exit %d stdout\n%s\nwant\n%s\nstderr %s", r.code, r.stdout, want, r.stderr)
	}
	var f map[string]map[string]bool
	if err := json.Unmarshal([]byte(log.last(t, "/networks").Query.Get("filters")), &f); err != nil || !f["driver"]["bridge"] {
		t.Errorf("filters %v %v", f, err)
	}
	r = runCLI(t, nil, "", "-H", host, "network", "ls", "-q", "--no-trunc")
	if lines := strings.Fields(r.stdout); len(lines) != 3 || lines[1] != strings.Repeat("a", 64) {
		t.Errorf("quiet: %q", r.stdout)
	}
	r = runCLI(t, nil, "", "-H", host, "network", "ls", "--format", "{{.Name}} {{.Labels}} {{.Label \"z\"}}")
	if !strings.Contains(r.stdout, "net10 a=2,z=1 1\n") {
		t.Errorf("format: %q", r.stdout)
	}
}

func TestNetworkCreateRequest(t *testing.T) {
	host, log := apiDaemon(t, routes{"POST /networks/create": jsonHandler(201, network.CreateResponse{ID: "abc123"})})
	r := runCLI(t, nil, "", "-H", host, "network", "create", "--subnet", "10.7.0.0/24", "--gateway", "10.7.0.1",
		"--label", "team=web", "-o", "com.docker.network.bridge.name=br7", "--internal", "--ipv6=false", "n7")
	if r.code != 0 || r.stdout != "abc123\n" {
		t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	var req network.CreateRequest
	if err := json.Unmarshal(log.last(t, "/networks/create").Body, &req); err != nil {
		t.Fatal(err)
	}
	if req.Name != "n7" || req.Driver != "bridge" || !req.Internal || req.EnableIPv6 == nil || *req.EnableIPv6 ||
		req.EnableIPv4 != nil || req.Labels["team"] != "web" || req.Options["com.docker.network.bridge.name"] != "br7" ||
		req.IPAM == nil || req.IPAM.Driver != "default" || len(req.IPAM.Config) != 1 || req.IPAM.Config[0].Gateway.String() != "10.7.0.1" {
		t.Errorf("request %+v ipam %+v", req, req.IPAM)
	}
}

func TestNaturalLess(t *testing.T) {
	names := []string{"net10", "b", "net2", "a1", "net02", "A"}
	sort.SliceStable(names, func(i, j int) bool { return naturalLess(names[i], names[j]) })
	if want := []string{"A", "a1", "b", "net2", "net02", "net10"}; !reflect.DeepEqual(names, want) {
		t.Errorf("got %q, want %q", names, want)
	}
}
