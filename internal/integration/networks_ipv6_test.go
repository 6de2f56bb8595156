package integration

import (
	"strings"
	"testing"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// An IPv6 network gives containers an address in its subnet that
// another container on the network reaches; where the networks'
// namespace has IPv6 disabled, create says so.
func TestNetworkIPv6(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "net6")
	r := d.Docker("network", "create", "--ipv6", "--subnet", "fd00:5c1f:1::/64", name)
	if r.ExitCode != 0 {
		if !strings.Contains(r.Stderr, "IPv6 is disabled in skiff's networks' namespace") {
			t.Fatalf("IPv6 network create: %s", r)
		}
		t.Log("IPv6 is off in the networks' namespace: create refused it clearly")
		return
	}
	t.Cleanup(func() { d.For(t).Docker("network", "rm", name) })
	srv := uniqueName(t, "srv")
	d.MustDocker("run", "-d", "--name", srv, "--network", name, bb, "sleep", "60")
	removeContainersAtEnd(t, d, srv)
	ip6 := strings.TrimSpace(d.MustDocker("inspect", "-f", "{{(index .NetworkSettings.Networks \""+name+"\").GlobalIPv6Address}}", srv))
	if !strings.HasPrefix(ip6, "fd00:5c1f:1:") {
		t.Fatalf("IPv6 address %q not in fd00:5c1f:1::/64", ip6)
	}
	r = d.Docker("run", "--rm", "--network", name, bb, "sh", "-c", "ping -6 -c 1 -W 3 "+ip6)
	if r.ExitCode != 0 {
		t.Errorf("ping6 %s: %s", ip6, r)
	}
	t.Logf("reached %s over IPv6", ip6)
}
