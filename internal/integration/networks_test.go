package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// The network data plane through the docker CLI: containers on a
// user-defined bridge reach each other by name and alias through the
// embedded DNS, other networks are isolated, --internal has no route
// out, and connect/disconnect of a running container act at once.

// netCreate makes a network that goes when the test ends.
func netCreate(t *testing.T, d *harness.Daemon, args ...string) string {
	t.Helper()
	name := uniqueName(t, "net")
	d.MustDocker(append(append([]string{"network", "create"}, args...), name)...)
	t.Cleanup(func() { d.For(t).Docker("network", "rm", name) })
	return name
}

// webServer runs busybox httpd serving "hello from web" on net.
func webServer(t *testing.T, d *harness.Daemon, bb, net string, extra ...string) string {
	t.Helper()
	name := uniqueName(t, "web")
	args := append([]string{"run", "-d", "--name", name, "--network", net}, extra...)
	args = append(args, bb, "sh", "-c", "mkdir -p /www && echo hello from web > /www/index.html && exec httpd -f -p 80 -h /www")
	d.MustDocker(args...)
	removeContainersAtEnd(t, d, name)
	return name
}

// wgetWeb is a shell command that fetches http://host/, bounded by
// timeout(1) rather than wget -T: Debian's busybox-static 1.35 is built
// without FEATURE_WGET_TIMEOUT yet still accepts -T, and getopt32 then
// stores its value through a NULL pointer (a segfault before any network
// I/O, on the host as well; Debian enables the feature from 1.36.1-5).
// "|| false" keeps sh from exec'ing timeout as the container's PID 1:
// busybox timeout execs the command in its own process, and PID 1
// ignores the SIGTERM it sends then.
func wgetWeb(host string) string {
	return "{ timeout 3 wget -qO- http://" + host + "/ || false; }"
}

func containerIP(t *testing.T, d *harness.Daemon, name, net string) string {
	t.Helper()
	return strings.TrimSpace(d.For(t).MustDocker("inspect", "-f", "{{(index .NetworkSettings.Networks \""+net+"\").IPAddress}}", name))
}

func TestNetworkNameResolution(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	netA := netCreate(t, d)
	netB := netCreate(t, d)
	web := webServer(t, d, bb, netA, "--network-alias", "webalias")
	ip := containerIP(t, d, web, netA)
	if ip == "" {
		t.Fatalf("no address for %s on %s", web, netA)
	}

	for _, host := range []string{web, "webalias", ip} {
		r := d.Docker("run", "--rm", "--network", netA, bb, "sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do "+wgetWeb(host)+" && exit 0; sleep 0.3; done; exit 1")
		if r.ExitCode != 0 || r.Stdout != "hello from web\n" {
			t.Errorf("GET http://%s/ from %s: %s", host, netA, r)
		}
	}
	t.Run("Ping", func(t *testing.T) {
		r := d.Docker("run", "--rm", "--network", netA, bb, "sh", "-c", "ping -c 1 -W 3 "+web)
		if r.ExitCode != 0 {
			t.Errorf("ping %s: %s", web, r)
		}
	})
	t.Run("ResolvConf", func(t *testing.T) {
		r := d.Docker("run", "--rm", "--network", netA, bb, "cat", "/etc/resolv.conf")
		if !strings.Contains(r.Stdout, "nameserver 127.0.0.11") {
			t.Errorf("resolv.conf on a user-defined network: %s", r)
		}
	})
	t.Run("OtherNetworkIsolated", func(t *testing.T) {
		r := d.Docker("run", "--rm", "--network", netB, bb, "sh", "-c", wgetWeb(ip))
		if r.ExitCode == 0 {
			t.Errorf("a container on %s reached %s on %s: %s", netB, ip, netA, r)
		}
		r = d.Docker("run", "--rm", "--network", netB, bb, "busybox", "nslookup", web)
		if r.ExitCode == 0 && strings.Contains(r.Stdout, ip) {
			t.Errorf("%s resolved from another network: %s", web, r)
		}
	})
	t.Run("DefaultBridgeHasNoNames", func(t *testing.T) {
		r := d.Docker("run", "--rm", bb, "sh", "-c", wgetWeb(web))
		if r.ExitCode == 0 {
			t.Errorf("the default bridge resolved a container name: %s", r)
		}
	})
}

func TestNetworkInternal(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	internal := netCreate(t, d, "--internal")
	open := netCreate(t, d)
	web := webServer(t, d, bb, open)
	ip := containerIP(t, d, web, open)
	r := d.Docker("run", "--rm", "--network", internal, bb, "sh", "-c", "ip route; "+wgetWeb(ip))
	if strings.Contains(r.Stdout, "default") {
		t.Errorf("a container on an --internal network has a default route: %s", r)
	}
	if strings.Contains(r.Stdout, "hello") {
		t.Errorf("a container on an --internal network reached another network: %s", r)
	}
	// containers on the internal network still reach each other
	iweb := webServer(t, d, bb, internal)
	r = d.Docker("run", "--rm", "--network", internal, bb, "sh", "-c", "sleep 0.5; "+wgetWeb(iweb))
	if r.Stdout != "hello from web\n" {
		t.Errorf("within an --internal network: %s", r)
	}
}

func TestNetworkConnectDisconnectLive(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	netA := netCreate(t, d)
	netB := netCreate(t, d)
	web := webServer(t, d, bb, netA)

	// a container on B waits until web answers: only a live connect to A can end it
	c := uniqueName(t, "client")
	d.MustDocker("run", "-d", "--name", c, "--network", netB, bb, "sh", "-c",
		"until "+wgetWeb(web)+" >/tmp/o 2>/dev/null; do sleep 0.2; done; cat /tmp/o")
	removeContainersAtEnd(t, d, c)
	time.Sleep(500 * time.Millisecond)
	d.MustDocker("network", "connect", "--alias", "cli", netA, c)
	if code := strings.TrimSpace(d.MustDocker("wait", c)); code != "0" {
		t.Fatalf("client exit %s after connect: %s", code, d.Docker("logs", c))
	}
	if out := d.MustDocker("logs", c); !strings.HasPrefix(out, "hello from web\n") {
		t.Errorf("client output %q", out)
	}

	// disconnect: the name stops resolving at once
	g := uniqueName(t, "gone")
	d.MustDocker("run", "-d", "--name", g, "--network", netA, bb, "sh", "-c",
		"while "+wgetWeb(web)+" >/dev/null 2>&1; do sleep 0.2; done; echo gone")
	removeContainersAtEnd(t, d, g)
	time.Sleep(500 * time.Millisecond)
	d.MustDocker("network", "disconnect", netA, g)
	if code := strings.TrimSpace(d.MustDocker("wait", g)); code != "0" {
		t.Fatalf("exit %s after disconnect", code)
	}
	if out := d.MustDocker("logs", g); out != "gone\n" {
		t.Errorf("output %q after disconnect", out)
	}
}
