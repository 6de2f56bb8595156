package integration

import (
	"strings"
	"testing"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// Disconnecting the network that holds the default route moves it to a
// remaining network; leaving the last user-defined network takes the
// embedded DNS out of resolv.conf.
func TestNetworkDisconnectMovesDefaultRoute(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	netA := netCreate(t, d, "--subnet", "10.232.1.0/24")
	netB := netCreate(t, d, "--subnet", "10.232.2.0/24")
	c := uniqueName(t, "c")
	d.MustDocker("run", "-d", "--name", c, "--network", netA, bb, "sleep", "60")
	removeContainersAtEnd(t, d, c)
	d.MustDocker("network", "connect", netB, c)
	route := func() string { return d.MustDocker("exec", c, "sh", "-c", "ip route") }
	if r := route(); !strings.Contains(r, "default via 10.232.1.1") {
		t.Fatalf("routes on %s and %s: %s", netA, netB, r)
	}
	d.MustDocker("network", "disconnect", netA, c)
	if r := route(); !strings.Contains(r, "default via 10.232.2.1") {
		t.Errorf("routes after disconnecting %s: %s", netA, r)
	}
	if rc := d.MustDocker("exec", c, "cat", "/etc/resolv.conf"); !strings.Contains(rc, "nameserver 127.0.0.11") {
		t.Errorf("resolv.conf still on %s: %s", netB, rc)
	}
	d.MustDocker("network", "disconnect", netB, c)
	if rc := d.MustDocker("exec", c, "cat", "/etc/resolv.conf"); strings.Contains(rc, "127.0.0.11") || !strings.Contains(rc, "nameserver") {
		t.Errorf("resolv.conf after leaving the last user-defined network: %s", rc)
	}
}
