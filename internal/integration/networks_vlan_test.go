package integration

import (
	"crypto/rand"
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// macvlan and ipvlan: rootful only (a rootless daemon cannot reach a
// host interface). The parent is a dummy link the test makes as root.

// parentLink makes an up interface in the host's namespace for a
// network's parent, gone when the test ends: one end of a veth pair
// (this CI kernel has macvlan but neither dummy nor 8021q modules).
func parentLink(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		t.Fatal("ip(8) is missing: install iproute2")
	}
	b := make([]byte, 3)
	rand.Read(b)
	name := "skd" + hex.EncodeToString(b)
	for _, args := range [][]string{
		{"link", "add", name, "type", "veth", "peer", "name", name + "p"},
		{"link", "set", name + "p", "up"},
		{"link", "set", name, "up"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
		if args[1] == "add" {
			t.Cleanup(func() { exec.Command("ip", "link", "del", name).Run() })
		}
	}
	return name
}

// kernelHas reports whether links of type kind can be made here.
func kernelHas(t *testing.T, kind string, extra ...string) bool {
	t.Helper()
	parent := parentLink(t)
	args := append([]string{"link", "add", "link", parent, "name", parent + "k", "type", kind}, extra...)
	if kind == "dummy" {
		args = []string{"link", "add", parent + "k", "type", "dummy"}
	}
	err := exec.Command("ip", args...).Run()
	exec.Command("ip", "link", "del", parent+"k").Run()
	return err == nil
}

func linkExists(name string) bool {
	return exec.Command("ip", "link", "show", name).Run() == nil
}

// pingPair runs a sleeper on net and pings it by name and by address
// from a second container on net.
func pingPair(t *testing.T, d *harness.Daemon, bb, net string) {
	t.Helper()
	srv := uniqueName(t, "srv")
	d.MustDocker("run", "-d", "--name", srv, "--network", net, bb, "sleep", "60")
	removeContainersAtEnd(t, d, srv)
	ip := containerIP(t, d, srv, net)
	if ip == "" {
		t.Fatalf("no address for %s on %s", srv, net)
	}
	for _, host := range []string{ip, srv} {
		r := d.Docker("run", "--rm", "--network", net, bb, "sh", "-c", "ping -c 1 -W 3 "+host)
		if r.ExitCode != 0 {
			t.Errorf("ping %s on %s: %s", host, net, r)
		}
	}
}

func TestNetworkMacvlanRootful(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t, harness.Rootful())
	bb := busybox(t, d)
	parent := parentLink(t)
	net := netCreate(t, d, "-d", "macvlan", "-o", "parent="+parent, "--subnet", "10.231.7.0/24")
	pingPair(t, d, bb, net)

	t.Run("InContainer", func(t *testing.T) {
		r := d.Docker("run", "--rm", "--network", net, bb, "sh", "-c", "ip route; cat /etc/resolv.conf")
		if r.ExitCode != 0 || !strings.Contains(r.Stdout, "default via 10.231.7.1") || !strings.Contains(r.Stdout, "nameserver 127.0.0.11") {
			t.Errorf("macvlan container: %s", r)
		}
	})
	t.Run("ParentInUse", func(t *testing.T) {
		r := d.Docker("network", "create", "-d", "macvlan", "-o", "parent="+parent, "--subnet", "10.231.8.0/24", uniqueName(t, "net"))
		if r.ExitCode == 0 || !strings.Contains(r.Stderr, "is already using parent interface "+parent) {
			t.Errorf("second network on %s: %s", parent, r)
		}
	})
}

func TestNetworkIpvlanRootful(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t, harness.Rootful())
	if !kernelHas(t, "ipvlan") {
		// this kernel has no ipvlan module: create says so
		r := d.Docker("network", "create", "-d", "ipvlan", "-o", "parent="+parentLink(t), uniqueName(t, "net"))
		if r.ExitCode == 0 || !strings.Contains(r.Stderr, "the kernel has no ipvlan support") {
			t.Errorf("ipvlan without kernel support: %s", r)
		}
		return
	}
	bb := busybox(t, d)
	l2 := netCreate(t, d, "-d", "ipvlan", "-o", "parent="+parentLink(t), "-o", "ipvlan_mode=l2", "--subnet", "10.231.9.0/24")
	pingPair(t, d, bb, l2)

	l3 := netCreate(t, d, "-d", "ipvlan", "-o", "parent="+parentLink(t), "-o", "ipvlan_mode=l3", "--subnet", "10.231.10.0/24")
	pingPair(t, d, bb, l3)
	r := d.Docker("run", "--rm", "--network", l3, bb, "ip", "route")
	if r.ExitCode != 0 || !strings.Contains(r.Stdout, "default dev eth0") {
		t.Errorf("ipvlan l3 routes: %s", r)
	}

	r = d.Docker("network", "create", "-d", "ipvlan", "-o", "parent="+parentLink(t), "-o", "ipvlan_mode=l4", uniqueName(t, "net"))
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, "requested ipvlan mode 'l4' is not valid, 'l2' mode is the ipvlan driver default") {
		t.Errorf("ipvlan_mode=l4: %s", r)
	}
}

// dockerd's errors for a parent that is not there, and the VLAN
// subinterface it makes (and removes with the network) for <if>.<vid>.
func TestNetworkMacvlanParentRootful(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t, harness.Rootful())
	r := d.Docker("network", "create", "-d", "macvlan", "-o", "parent=skdnosuch", uniqueName(t, "net"))
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, "invalid subinterface vlan name skdnosuch, example formatting is eth0.10") {
		t.Errorf("missing parent: %s", r)
	}
	r = d.Docker("network", "create", "-d", "macvlan", "-o", "parent=skdnosuch.10", uniqueName(t, "net"))
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, "-o parent interface was not found on the host: skdnosuch") {
		t.Errorf("missing parent of a VLAN: %s", r)
	}

	sub := parentLink(t) + ".42"
	name := uniqueName(t, "net")
	if kernelHas(t, "vlan", "id", "42") {
		d.MustDocker("network", "create", "-d", "macvlan", "-o", "parent="+sub, name)
		if !linkExists(sub) {
			t.Errorf("no VLAN link %s after network create", sub)
		}
		d.MustDocker("network", "rm", name)
		if linkExists(sub) {
			t.Errorf("VLAN link %s still there after network rm", sub)
		}
	} else {
		r = d.Docker("network", "create", "-d", "macvlan", "-o", "parent="+sub, name)
		if r.ExitCode == 0 || !strings.Contains(r.Stderr, "failed to create "+sub+" vlan link") {
			t.Errorf("VLAN parent without kernel support: %s", r)
		}
	}

	// no parent: a dummy, and the network is internal (no default route)
	if !kernelHas(t, "dummy") {
		r = d.Docker("network", "create", "-d", "macvlan", uniqueName(t, "net"))
		if r.ExitCode == 0 || !strings.Contains(r.Stderr, "parent link") {
			t.Errorf("macvlan without a parent, no dummy module: %s", r)
		}
		return
	}
	bb := busybox(t, d)
	internal := netCreate(t, d, "-d", "macvlan", "--subnet", "10.231.11.0/24")
	r = d.Docker("run", "--rm", "--network", internal, bb, "ip", "route")
	if r.ExitCode != 0 || strings.Contains(r.Stdout, "default") {
		t.Errorf("macvlan without a parent: %s", r)
	}
}

func TestNetworkMacvlanRootless(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	for _, drv := range []string{"macvlan", "ipvlan"} {
		r := d.Docker("network", "create", "-d", drv, "-o", "parent=eth0", uniqueName(t, "net"))
		if r.ExitCode == 0 || !strings.Contains(r.Stderr, drv+" networks need a host interface, which a rootless daemon cannot reach") {
			t.Errorf("rootless %s: %s", drv, r)
		}
	}
}
