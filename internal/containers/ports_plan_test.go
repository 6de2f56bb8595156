package containers

import (
	"net/netip"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

func TestPlanPorts(t *testing.T) {
	p80, p53u, p7000 := network.MustParsePort("80/tcp"), network.MustParsePort("53/udp"), network.MustParsePort("7000/tcp")
	lo := netip.MustParseAddr("127.0.0.1")
	bindings := network.PortMap{
		p80:  {{HostIP: lo, HostPort: "8080"}, {HostPort: "9000-9010"}},
		p53u: {{HostPort: ""}},
	}
	got, err := planPorts(bindings, true, network.PortSet{p80: {}, p7000: {}})
	if err != nil {
		t.Fatal(err)
	}
	want := []portPlan{
		{port: p53u},
		{port: p80, hostIP: lo, lo: 8080, hi: 8080},
		{port: p80, lo: 9000, hi: 9010},
		{port: p7000}, // -P: a random port for an exposed port with no binding
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if got, _ := planPorts(bindings, false, network.PortSet{p7000: {}}); len(got) != 3 {
		t.Errorf("without -P exposed ports are not published: %+v", got)
	}
}

func TestHostPortRange(t *testing.T) {
	for _, tt := range []struct {
		in     string
		lo, hi int
		bad    bool
	}{
		{"", 0, 0, false}, {"0", 0, 0, false}, {"8080", 8080, 8080, false}, {"8000-8010", 8000, 8010, false},
		{"9-8", 0, 0, true}, {"x", 0, 0, true}, {"70000", 0, 0, true},
	} {
		lo, hi, err := hostPortRange(tt.in)
		if (err != nil) != tt.bad || lo != tt.lo || hi != tt.hi {
			t.Errorf("%q: %d-%d %v", tt.in, lo, hi, err)
		}
	}
}

func TestContainerIPPrefersModeNetwork(t *testing.T) {
	a, b := netip.MustParseAddr("172.18.0.2"), netip.MustParseAddr("172.17.0.3")
	ns := &container.NetworkSettings{Networks: map[string]*network.EndpointSettings{"alpha": {IPAddress: a}, "bridge": {IPAddress: b}}}
	if got := containerIP(ns, "default"); got != b {
		t.Errorf("default mode: %s", got)
	}
	if got := containerIP(ns, "alpha"); got != a {
		t.Errorf("alpha mode: %s", got)
	}
	if got := containerIP(ns, "gone"); got != a {
		t.Errorf("first network by name: %s", got)
	}
}
