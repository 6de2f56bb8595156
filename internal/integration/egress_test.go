package integration

import (
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// hostServer serves body over HTTP on addr (host side) until the test ends.
func hostServer(t *testing.T, addr, body string) string {
	t.Helper()
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(body))
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// hostIPv4 is an address of this host other than loopback.
func hostIPv4(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	t.Fatal("the host has no IPv4 address besides loopback")
	return ""
}

// There is no internet here: the host's own services are the egress test.
// (No wget -T: Debian's busybox 1.35 wget segfaults with it.)
func TestEgressHostGatewayReachesHostLoopback(t *testing.T) {
	harness.SkiffOnly(t) // the reference dockerd runs with --bridge=none
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	addr := hostServer(t, "127.0.0.1:0", "from-host-loopback")
	_, port, _ := net.SplitHostPort(addr)
	r := d.Docker("run", "--rm", "--add-host", "hostgw:host-gateway", bb,
		"sh", "-c", "grep hostgw /etc/hosts >&2; busybox wget -qO- http://hostgw:"+port+"/")
	if r.ExitCode != 0 || r.Stdout != "from-host-loopback" {
		t.Fatalf("container -> host loopback through host-gateway: %s", r)
	}
	// TCP to host-gateway takes the engine's fast path, not the driver's stack.
	if log := d.Log(); strings.Contains(log, "host-gateway: TCP goes through the egress driver") {
		t.Errorf("the host-gateway fast path did not start:\n%s", log)
	}
}

func TestEgressReachesHostAddress(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	bb := busybox(t, d)
	ip := hostIPv4(t)
	addr := hostServer(t, ip+":0", "from-host-address")
	r := d.Docker("run", "--rm", bb, "busybox", "wget", "-qO-", "http://"+addr+"/")
	if r.ExitCode != 0 || r.Stdout != "from-host-address" {
		t.Fatalf("container -> %s: %s", addr, r)
	}
}

func TestEgressDriverInInfo(t *testing.T) {
	harness.SkiffOnly(t)
	d := harness.StartDaemon(t)
	info := d.MustDocker("info")
	if !strings.Contains(info, "Rootless Network: gvisor-tap-vsock (MTU 65520)") {
		t.Errorf("docker info does not show the egress driver:\n%s", info)
	}
	ver := d.MustDocker("version", "-f", "{{range .Server.Components}}{{if eq .Name \"rootlesskit\"}}{{.Details.NetworkDriver}} {{.Details.MTU}}{{end}}{{end}}")
	if strings.TrimSpace(ver) != "gvisor-tap-vsock 65520" {
		t.Errorf("docker version rootlesskit details: %q", ver)
	}
}

func TestEgressDriverConfigured(t *testing.T) {
	harness.SkiffOnly(t)
	if _, err := exec.LookPath("slirp4netns"); err != nil {
		t.Fatal("slirp4netns not found: install the slirp4netns package (.ci/run does)")
	}
	d := harness.StartDaemon(t, harness.WithDaemonJSON(`{"rootless-network-driver": "slirp4netns"}`))
	bb := busybox(t, d)
	if info := d.MustDocker("info"); !strings.Contains(info, "Rootless Network: slirp4netns") {
		t.Errorf("docker info does not show slirp4netns:\n%s", info)
	}
	addr := hostServer(t, "127.0.0.1:0", "via-slirp4netns")
	_, port, _ := net.SplitHostPort(addr)
	r := d.Docker("run", "--rm", "--add-host", "hostgw:host-gateway", bb, "busybox", "wget", "-qO-", "http://hostgw:"+port+"/")
	if r.ExitCode != 0 || r.Stdout != "via-slirp4netns" {
		t.Fatalf("container -> host loopback through slirp4netns: %s", r)
	}
}

func TestHostGatewayIPConfigured(t *testing.T) {
	harness.SkiffOnly(t)
	for _, tt := range []struct {
		name string
		opt  harness.Option
		ip   string
	}{
		{"daemon.json", harness.WithDaemonJSON(`{"host-gateway-ip": "192.0.2.77"}`), "192.0.2.77"},
		{"flag", harness.WithArgs("--host-gateway-ip", "192.0.2.78"), "192.0.2.78"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := harness.StartDaemon(t, tt.opt)
			bb := busybox(t, d)
			out := d.MustDocker("run", "--rm", "--add-host", "gw:host-gateway", bb, "grep", "gw", "/etc/hosts")
			if strings.TrimSpace(out) != tt.ip+"\tgw" {
				t.Errorf("/etc/hosts: %q, want %s\\tgw", out, tt.ip)
			}
		})
	}
}

// Without newuidmap RootlessKit's network drivers cannot run: the daemon
// says so, containers have no egress and no host-gateway, and published
// ports still work.
func TestSingleIDHasNoEgress(t *testing.T) {
	harness.SkiffOnly(t)
	// A PATH without newuidmap is all it takes (see TestSingleIDFallback).
	d := harness.StartDaemon(t, harness.SingleID(), harness.WithEnv("PATH=/nonexistent"))
	bb := busybox(t, d)
	if log := d.Log(); !strings.Contains(log, "containers get no egress and no host-gateway") {
		t.Errorf("the daemon log does not explain the missing egress:\n%s", log)
	}
	info := d.Docker("info")
	if !strings.Contains(info.Stdout, "Rootless Network: none (single-id mapping: containers have no egress)") || !strings.Contains(info.Stderr, "containers have no egress and no host-gateway") {
		t.Errorf("docker info does not explain the missing egress:\n%s", info)
	}
	r := d.Docker("run", "--rm", "--add-host", "gw:host-gateway", bb, "true")
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, "host-gateway") {
		t.Errorf("host-gateway in single-id mode: %s", r)
	}
	name := uniqueName(t, "web")
	removeContainersAtEnd(t, d, name)
	d.MustDocker(append([]string{"run", "-d", "--name", name, "-p", "127.0.0.1:0:80", bb}, httpdCmd("single-id")...)...)
	if got := httpGet(t, "http://"+strings.TrimSpace(d.MustDocker("port", name, "80"))+"/"); got != "single-id\n" {
		t.Errorf("published port in single-id mode: %q", got)
	}
}
