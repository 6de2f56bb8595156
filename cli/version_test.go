package cli

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/system"
)

// fakeVersion is what dockerd 29 sends for /version, with skiff's numbers.
var fakeVersion = system.VersionResponse{
	Platform:      system.PlatformInfo{Name: "skiff"},
	Version:       "0.1.0",
	APIVersion:    "1.52",
	MinAPIVersion: "1.24",
	Os:            "linux",
	Arch:          "amd64",
	Components: []system.ComponentVersion{
		{Name: "Engine", Version: "0.1.0", Details: map[string]string{
			"ApiVersion": "1.52", "MinAPIVersion": "1.24", "GoVersion": "go1.26.8",
			"GitCommit": "f00ba47", "Os": "linux", "Arch": "amd64", "KernelVersion": "6.8.0",
		}},
		{Name: "rootlesskit", Version: "3.3.0", Details: map[string]string{"NetworkDriver": "gvisor-tap-vsock", "StateDir": "/tmp/rk"}},
	},
}

func TestVersion(t *testing.T) {
	host := fakeDaemon(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/version") {
			http.NotFound(w, r)
			return
		}
		// Negotiation must have brought the client down to the server's version.
		if !strings.HasPrefix(r.URL.Path, "/v1.52/") {
			t.Errorf("request path %s: not negotiated to v1.52", r.URL.Path)
		}
		jsonHandler(200, fakeVersion)(w, r)
	}))
	r := runCLI(t, nil, "", "-H", host, "version")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{
		"Client:\n Version:           1.2.3-test\n",
		" API version:       1.52 (downgraded from 1.56)\n",
		" Git commit:        abc1234\n",
		"Server: skiff\n Engine:\n  Version:          0.1.0\n",
		"  API version:      1.52 (minimum version 1.24)\n",
		"  Go version:       go1.26.8\n",
		"  Git commit:       f00ba47\n",
		"  OS/Arch:          linux/amd64\n",
		" rootlesskit:\n  Version:          3.3.0\n  NetworkDriver:    gvisor-tap-vsock\n  StateDir:         /tmp/rk\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}

	r = runCLI(t, nil, "", "-H", host, "version", "--format", "{{.Server.Version}} {{.Server.GitCommit}} {{.Client.Version}}")
	if r.code != 0 || r.stdout != "0.1.0 f00ba47 1.2.3-test\n" {
		t.Errorf("--format: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}

	for _, f := range []string{"json", "{{json .}}"} {
		r = runCLI(t, nil, "", "-H", host, "version", "-f", f)
		var got versionInfo
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
			t.Fatalf("%s: exit %d, %v: %q", f, r.code, err, r.stdout)
		}
		if got.Server == nil || got.Server.APIVersion != "1.52" || got.Client.GitCommit != "abc1234" {
			t.Errorf("%s: got %+v", f, got)
		}
	}

	r = runCLI(t, nil, "", "-H", host, "version", "--format", "{{.Nope")
	if r.code != 64 || !strings.Contains(r.stderr, "template parsing error") {
		t.Errorf("bad template: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestVersionServerUnreachable(t *testing.T) {
	sock := shortTempDir(t) + "/none.sock"
	r := runCLI(t, nil, "", "-H", "unix://"+sock, "version")
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	if !strings.HasPrefix(r.stdout, "Client:\n Version:           1.2.3-test\n") || strings.Contains(r.stdout, "Server:") {
		t.Errorf("stdout %q", r.stdout)
	}
	want := "Cannot connect to the skiff daemon at unix://" + sock + ". Is the skiff daemon running?\n"
	if r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
}

func TestDaemonError(t *testing.T) {
	host := fakeDaemon(t, jsonHandler(500, map[string]string{"message": "engine on fire"}))
	r := runCLI(t, nil, "", "-H", host, "version")
	if r.code != 1 || r.stderr != "Error response from daemon: engine on fire\n" {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}

func TestDefaultHostNoAutostart(t *testing.T) {
	// The default socket, autostart disabled: a plain connection error.
	r := runCLI(t, map[string]string{"SKIFF_NO_AUTOSTART": "1"}, "", "version")
	if r.code != 1 || !strings.Contains(r.stderr, "Cannot connect to the skiff daemon at unix:///nonexistent/skiff.sock.") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}
