package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/system"
)

var fakeInfo = system.Info{
	ID: "SKIF:F000", Containers: 3, ContainersRunning: 1, ContainersStopped: 2, Images: 5,
	Driver: "overlay", DriverStatus: [][2]string{{"Backing Filesystem", "extfs"}},
	CgroupDriver: "systemd", CgroupVersion: "2", LoggingDriver: "json-file",
	SecurityOptions: []string{"name=seccomp,profile=builtin", "name=rootless", "name=cgroupns"},
	KernelVersion:   "6.8.0", OperatingSystem: "Debian GNU/Linux 13", OSType: "linux", Architecture: "x86_64",
	NCPU: 8, MemTotal: 16 << 30, Name: "box", DockerRootDir: "/home/u/.local/share/skiff",
	ServerVersion: "0.1.0",
	Warnings:      []string{"WARNING: No swap limit support", "bridge-nf-call-iptables is disabled"},
}

func TestInfo(t *testing.T) {
	host := fakeDaemon(t, jsonHandler(200, fakeInfo))
	r := runCLI(t, nil, "", "-H", host, "info")
	if r.code != 0 {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{
		"Client:\n Version:    1.2.3-test\n Context:    default\n Debug Mode: false\n\nServer:\n",
		" Containers: 3\n  Running: 1\n  Paused: 0\n  Stopped: 2\n Images: 5\n Server Version: 0.1.0\n",
		" Storage Driver: overlay\n  Backing Filesystem: extfs\n",
		" Cgroup Driver: systemd\n Cgroup Version: 2\n",
		" Security Options:\n  seccomp\n   Profile: builtin\n  rootless\n  cgroupns\n",
		" Kernel Version: 6.8.0\n Operating System: Debian GNU/Linux 13\n",
		" Architecture: x86_64\n CPUs: 8\n Total Memory: 16GiB\n Name: box\n ID: SKIF:F000\n",
		" Docker Root Dir: /home/u/.local/share/skiff\n Debug Mode: false\n Experimental: false\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	wantErr := "WARNING: No swap limit support\nWARNING: bridge-nf-call-iptables is disabled\n"
	if r.stderr != wantErr {
		t.Errorf("stderr %q, want %q", r.stderr, wantErr)
	}

	r = runCLI(t, nil, "", "-H", host, "system", "info", "--format", "{{.ServerVersion}} {{.NCPU}} {{.ClientInfo.Version}}")
	if r.code != 0 || r.stdout != "0.1.0 8 1.2.3-test\n" {
		t.Errorf("--format: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, nil, "", "-H", host, "info", "--format", "json")
	var got map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got["ServerVersion"] != "0.1.0" || got["ClientInfo"] == nil {
		t.Errorf("json: %v %q", err, r.stdout)
	}
}

func TestInfoServerUnreachable(t *testing.T) {
	sock := shortTempDir(t) + "/none.sock"
	r := runCLI(t, nil, "", "-H", "unix://"+sock, "info")
	if r.code != 1 || !strings.HasPrefix(r.stdout, "Client:\n") || !strings.HasSuffix(r.stdout, "Server:\n") {
		t.Errorf("exit %d stdout %q", r.code, r.stdout)
	}
	if !strings.Contains(r.stderr, "Cannot connect to the skiff daemon at unix://"+sock) {
		t.Errorf("stderr %q", r.stderr)
	}
}

func TestDecodeSecurityOption(t *testing.T) {
	tests := []struct {
		in      string
		name    string
		details [][2]string
	}{
		{"name=seccomp,profile=builtin", "seccomp", [][2]string{{"Profile", "builtin"}}},
		{"name=rootless", "rootless", nil},
		{"apparmor", "apparmor", nil},
	}
	for _, tt := range tests {
		name, details := decodeSecurityOption(tt.in)
		if name != tt.name || len(details) != len(tt.details) || (len(details) > 0 && details[0] != tt.details[0]) {
			t.Errorf("%q: got %q %q", tt.in, name, details)
		}
	}
}
