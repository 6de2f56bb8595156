package integration

import (
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// httpdCmd serves body at / on port 80 with busybox httpd.
func httpdCmd(body string) []string {
	return []string{"sh", "-c", "mkdir -p /www && echo " + body + " > /www/index.html && exec busybox httpd -f -p 80 -h /www"}
}

// httpGet fetches url, retrying while the server comes up.
func httpGet(t *testing.T, url string) string {
	t.Helper()
	c := http.Client{Timeout: 5 * time.Second}
	var last error
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := c.Get(url)
		if err != nil {
			last = err
			continue
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode == 200 {
			return string(b)
		}
		last = err
	}
	t.Fatalf("GET %s: %v", url, last)
	return ""
}

// freePort is a TCP port nobody listens on right now on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// portFree reports whether the engine let go of a host port.
func portFree(port int) bool {
	ln, err := net.Listen("tcp4", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

type portBinding struct{ HostIp, HostPort string }

func inspectPorts(t *testing.T, d *harness.Daemon, name string) map[string][]portBinding {
	t.Helper()
	var ports map[string][]portBinding
	mustJSON(t, d.For(t).MustDocker("inspect", "-f", "{{json .NetworkSettings.Ports}}", name), &ports)
	return ports
}

func TestPublishedPortHTTP(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "web")
	removeContainersAtEnd(t, d, name)
	d.MustDocker(append([]string{"run", "-d", "--name", name, "-p", "127.0.0.1:0:80", bb}, httpdCmd("hello-published")...)...)

	out := strings.TrimSpace(d.MustDocker("port", name, "80/tcp"))
	host, port, err := net.SplitHostPort(out)
	if err != nil || host != "127.0.0.1" || port == "0" {
		t.Fatalf("docker port: %q", out)
	}
	if all := strings.TrimSpace(d.MustDocker("port", name)); all != "80/tcp -> "+out {
		t.Errorf("docker port (all): %q", all)
	}
	if !harness.TargetIsDocker() {
		if sk := strings.TrimSpace(d.MustSkiff("port", name)); sk != "80/tcp -> "+out {
			t.Errorf("skiff port: %q, want what docker port prints", sk)
		}
		if r := d.Skiff("port", name, "81"); r.ExitCode == 0 || !strings.Contains(r.Stderr, "No public port '81/tcp' published for "+name) {
			t.Errorf("skiff port of an unpublished port: %s", r)
		}
	}
	ports := inspectPorts(t, d, name)
	if b := ports["80/tcp"]; len(b) != 1 || b[0].HostIp != "127.0.0.1" || b[0].HostPort != port {
		t.Errorf("NetworkSettings.Ports = %v", ports)
	}
	if got := httpGet(t, "http://"+out+"/"); got != "hello-published\n" {
		t.Fatalf("body %q", got)
	}

	// Stop releases the port; start publishes again.
	d.MustDocker("stop", "-t", "1", name)
	p, _ := strconv.Atoi(port)
	if !portFree(p) {
		t.Errorf("host port %d still taken after stop", p)
	}
	if ports := inspectPorts(t, d, name); len(ports) != 0 {
		t.Errorf("a stopped container shows ports %v", ports)
	}
	d.MustDocker("start", name)
	out = strings.TrimSpace(d.MustDocker("port", name, "80/tcp"))
	if got := httpGet(t, "http://"+out+"/"); got != "hello-published\n" {
		t.Fatalf("after restart: body %q", got)
	}
}

func TestPublishedPortFixedAndAllAddresses(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "web")
	removeContainersAtEnd(t, d, name)
	hp := strconv.Itoa(freePort(t))
	d.MustDocker(append([]string{"run", "-d", "--name", name, "-p", hp + ":80", bb}, httpdCmd("hello-all")...)...)
	if got := httpGet(t, "http://127.0.0.1:"+hp+"/"); got != "hello-all\n" {
		t.Fatalf("body %q", got)
	}
	// dockerd binds 0.0.0.0 and, with IPv6 on the host, :: on the same port.
	want := "0.0.0.0:" + hp
	out := d.MustDocker("port", name, "80")
	if l := lines(out); len(l) == 0 || l[0] != want || len(l) == 2 && l[1] != "[::]:"+hp {
		t.Errorf("docker port: %q, want %s (and [::]:%s)", out, want, hp)
	}
}

func TestPublishAllExposed(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "web")
	removeContainersAtEnd(t, d, name)
	d.MustDocker(append([]string{"run", "-d", "--name", name, "-P", "--expose", "80", "--expose", "7000-7001", bb}, httpdCmd("hello-P")...)...)
	ports := inspectPorts(t, d, name)
	for _, k := range []string{"80/tcp", "7000/tcp", "7001/tcp"} {
		if b := ports[k]; len(b) == 0 || b[0].HostIp != "0.0.0.0" || b[0].HostPort == "" || b[0].HostPort == "0" {
			t.Errorf("%s: %v", k, ports[k])
		}
	}
	if b := ports["80/tcp"]; len(b) > 0 {
		if got := httpGet(t, "http://127.0.0.1:"+b[0].HostPort+"/"); got != "hello-P\n" {
			t.Fatalf("body %q", got)
		}
	}
}

func TestPublishedPortRange(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "web")
	removeContainersAtEnd(t, d, name)
	// The first port of the range is taken: the engine takes the next one.
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	lo := ln.Addr().(*net.TCPAddr).Port
	rng := strconv.Itoa(lo) + "-" + strconv.Itoa(lo+20)
	r := d.Docker(append([]string{"run", "-d", "--name", name, "-p", "127.0.0.1:" + rng + ":80", bb}, httpdCmd("hello-range")...)...)
	if r.ExitCode != 0 {
		t.Fatalf("run: %s", r)
	}
	out := strings.TrimSpace(d.MustDocker("port", name, "80"))
	_, port, _ := net.SplitHostPort(out)
	if p, _ := strconv.Atoi(port); p <= lo || p > lo+20 {
		t.Fatalf("docker port %q: want a port in %s other than %d", out, rng, lo)
	}
	if got := httpGet(t, "http://"+out+"/"); got != "hello-range\n" {
		t.Fatalf("body %q", got)
	}
}

func TestPublishedPortUDP(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "udp")
	removeContainersAtEnd(t, d, name)
	d.MustDocker("run", "-d", "--name", name, "-p", "127.0.0.1:0:5353/udp", bb, "probe", "udp-echo", "5353")
	out := strings.TrimSpace(d.MustDocker("port", name, "5353/udp"))
	c, err := net.Dial("udp", out)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 100)
	for i := 0; ; i++ {
		// Datagrams sent before the echo listens are lost: resend.
		c.Write([]byte("ping"))
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		n, err := c.Read(buf)
		if err == nil {
			if string(buf[:n]) != "echo:ping" {
				t.Fatalf("reply %q", buf[:n])
			}
			break
		}
		if i == 50 {
			t.Fatalf("no UDP reply through %s: %v", out, err)
		}
	}
}

func TestPublishedPortConflict(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	free := freePort(t)
	name := uniqueName(t, "clash")
	removeContainersAtEnd(t, d, name)
	// 80 is bound first (container ports in order), then 81 fails.
	r := d.Docker("run", "-d", "--name", name, "-p", "127.0.0.1:"+strconv.Itoa(free)+":80", "-p", "127.0.0.1:"+busy+":81", bb, "sleep", "60")
	if r.ExitCode == 0 {
		t.Fatalf("run with a taken host port succeeded: %s", r)
	}
	if !strings.Contains(r.Stderr, "address already in use") || !strings.Contains(r.Stderr, "127.0.0.1:"+busy) {
		t.Errorf("error %q: want the address and 'address already in use'", r.Stderr)
	}
	if !portFree(free) {
		t.Errorf("port %d, published before the failure, stays taken", free)
	}
	if st := strings.TrimSpace(d.MustDocker("inspect", "-f", "{{.State.Status}}", name)); st == "running" {
		t.Errorf("container is %s", st)
	}
}

func TestPublishedPortPrivileged(t *testing.T) {
	harness.SkiffOnly(t) // rootful dockerd may bind any port
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	if unprivilegedPortStart(t) <= 80 {
		t.Fatal("this host lets anyone bind port 80 (net.ipv4.ip_unprivileged_port_start <= 80): the test needs the default 1024")
	}
	name := uniqueName(t, "priv")
	removeContainersAtEnd(t, d, name)
	r := d.Docker("run", "-d", "--name", name, "-p", "127.0.0.1:80:80", bb, "sleep", "60")
	if r.ExitCode == 0 {
		t.Fatalf("publishing port 80 rootless succeeded: %s", r)
	}
	if !strings.Contains(r.Stderr, "net.ipv4.ip_unprivileged_port_start") {
		t.Errorf("error %q does not name net.ipv4.ip_unprivileged_port_start", r.Stderr)
	}
}

func TestHostNetworkDiscardsPorts(t *testing.T) {
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "hostnet")
	removeContainersAtEnd(t, d, name)
	r := d.Docker("create", "--name", name, "--network", "host", "-p", "8080:80", bb, "true")
	if r.ExitCode != 0 {
		t.Fatalf("create: %s", r)
	}
	if !strings.Contains(r.Stderr, "WARNING: Published ports are discarded when using host network mode") {
		t.Errorf("stderr %q: want dockerd's warning", r.Stderr)
	}
}

func unprivilegedPortStart(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

// The listeners die with the engine; the next one publishes the running
// containers' ports again (and the host-gateway path works again).
func TestPublishedPortSurvivesEngineRestart(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	name := uniqueName(t, "web")
	removeContainersAtEnd(t, d, name)
	hp := strconv.Itoa(freePort(t))
	d.MustDocker(append([]string{"run", "-d", "--name", name, "-p", "127.0.0.1:" + hp + ":80", bb}, httpdCmd("hello-again")...)...)
	httpGet(t, "http://127.0.0.1:"+hp+"/")
	d.KillEngine()
	waitFor(t, 10*time.Second, func() bool { return d.Docker("version").ExitCode == 0 })
	if got := httpGet(t, "http://127.0.0.1:"+hp+"/"); got != "hello-again\n" {
		t.Fatalf("after the engine restart: body %q", got)
	}
	addr := hostServer(t, "127.0.0.1:0", "host-after-restart")
	_, port, _ := net.SplitHostPort(addr)
	r := d.Docker("run", "--rm", "--add-host", "hostgw:host-gateway", bb, "busybox", "wget", "-qO-", "http://hostgw:"+port+"/")
	if r.ExitCode != 0 || r.Stdout != "host-after-restart" {
		t.Fatalf("host-gateway after the engine restart: %s", r)
	}
}
