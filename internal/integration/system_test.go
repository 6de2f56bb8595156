package integration

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// dockerVersion is the part of `docker version --format '{{json .}}'` the tests read.
type dockerVersion struct {
	Server *struct {
		Version       string
		APIVersion    string `json:"ApiVersion"`
		MinAPIVersion string `json:"MinAPIVersion"`
		Platform      struct{ Name string }
	}
}

// TestSystem checks the system endpoints through every client against one daemon.
func TestSystem(t *testing.T) {
	d := harness.StartDaemon(t)

	var serverVersion string
	t.Run("DockerVersion", func(t *testing.T) {
		d := d.For(t)
		var v dockerVersion
		mustJSON(t, d.MustDocker("version", "--format", "{{json .}}"), &v)
		if v.Server == nil {
			t.Fatalf("docker version has no Server section")
		}
		if v.Server.Version == "" {
			t.Errorf("Server.Version is empty")
		}
		if !apiAtLeast(t, v.Server.APIVersion, "1.44") {
			t.Errorf("Server.ApiVersion = %s, want >= 1.44", v.Server.APIVersion)
		}
		serverVersion = v.Server.Version
		text := d.MustDocker("version")
		if !strings.Contains(text, "Server:") {
			t.Errorf("`docker version` prints no Server section:\n%s", text)
		}
	})

	t.Run("DockerInfo", func(t *testing.T) {
		d := d.For(t)
		var info struct {
			SecurityOptions []string
			ServerVersion   string
		}
		mustJSON(t, d.MustDocker("info", "--format", "{{json .}}"), &info)
		if serverVersion != "" && info.ServerVersion != serverVersion {
			t.Errorf("docker info ServerVersion = %q, docker version said %q", info.ServerVersion, serverVersion)
		}
		harness.SkiffOnly(t)
		if !hasRootless(info.SecurityOptions) {
			t.Errorf("SecurityOptions = %q, want name=rootless", info.SecurityOptions)
		}
		// The id mapping: the daemon's user and its subordinate range.
		text := d.MustDocker("info")
		u := d.Env.User
		if u.SubUID.Count > 0 {
			for _, want := range []string{strconv.Itoa(u.SubUID.Start), strconv.Itoa(u.SubUID.Count)} {
				if !strings.Contains(text, want) {
					t.Errorf("`docker info` does not show the id mapping (subordinate range %d:%d, missing %q):\n%s", u.SubUID.Start, u.SubUID.Count, want, text)
				}
			}
		}
	})

	t.Run("DockerPluginLsNotImplemented", func(t *testing.T) {
		d := d.For(t)
		harness.SkiffOnly(t)
		r := d.Docker("plugin", "ls")
		if r.ExitCode != 1 || !strings.Contains(r.Stderr, "not implemented") {
			t.Errorf("want exit 1 and \"not implemented\" on stderr; got %s", r)
		}
	})

	t.Run("DockerEvents", func(t *testing.T) {
		d := d.For(t)
		until := strconv.FormatInt(time.Now().Unix(), 10)
		start := time.Now()
		r := d.Docker("events", "--since", "0", "--until", until)
		if r.ExitCode != 0 {
			t.Fatalf("%s", r)
		}
		if el := time.Since(start); el > 30*time.Second {
			t.Errorf("docker events with --until in the past took %s", el)
		}
	})

	t.Run("SkiffVersion", func(t *testing.T) {
		d := d.For(t)
		out := d.MustSkiff("version")
		if !strings.Contains(out, "Server:") {
			t.Errorf("`skiff version` prints no Server section:\n%s", out)
		}
		sv := strings.TrimSpace(d.MustSkiff("version", "--format", "{{.Server.Version}}"))
		if serverVersion != "" && sv != serverVersion {
			t.Errorf("skiff version: Server.Version = %q, docker version said %q", sv, serverVersion)
		}
		harness.SkiffOnly(t)
		cv := strings.TrimSpace(d.MustSkiff("version", "--format", "{{.Client.Version}}"))
		if cv != sv {
			t.Errorf("client and daemon are one binary, yet Client.Version %q != Server.Version %q", cv, sv)
		}
	})

	t.Run("SkiffInfo", func(t *testing.T) {
		d := d.For(t)
		out := d.MustSkiff("info")
		if serverVersion != "" && !strings.Contains(out, serverVersion) {
			t.Errorf("`skiff info` does not show the server version %q:\n%s", serverVersion, out)
		}
	})

	t.Run("DockerPy", func(t *testing.T) {
		d := d.For(t)
		var res struct {
			Version map[string]any
			Info    struct {
				ServerVersion   string
				SecurityOptions []string
			}
		}
		mustJSON(t, d.MustPython(`print(json.dumps({"version": client.version(), "info": client.info()}))`), &res)
		api, _ := res.Version["ApiVersion"].(string)
		if !apiAtLeast(t, api, "1.44") {
			t.Errorf("docker-py version(): ApiVersion %q, want >= 1.44", api)
		}
		if v, _ := res.Version["Version"].(string); serverVersion != "" && v != serverVersion {
			t.Errorf("docker-py version(): Version %q, docker version said %q", v, serverVersion)
		}
		if res.Info.ServerVersion == "" {
			t.Errorf("docker-py info(): no ServerVersion")
		}
		harness.SkiffOnly(t)
		if !hasRootless(res.Info.SecurityOptions) {
			t.Errorf("docker-py info(): SecurityOptions = %q, want name=rootless", res.Info.SecurityOptions)
		}
	})

	t.Run("GoClient", func(t *testing.T) {
		d := d.For(t)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		v, err := d.Client().ServerVersion(ctx, client.ServerVersionOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if serverVersion != "" && v.Version != serverVersion {
			t.Errorf("moby client: Version %q, docker version said %q", v.Version, serverVersion)
		}
		if _, err := d.Client().Info(ctx, client.InfoOptions{}); err != nil {
			t.Errorf("moby client Info: %v", err)
		}
	})
}

// TestSkiffCannotConnect: a CLI pointed at no daemon names the socket it tried.
func TestSkiffCannotConnect(t *testing.T) {
	harness.SkiffOnly(t)
	sock := "/nonexistent.sock"
	r := harness.RunSkiff(t, "-H", "unix://"+sock, "info")
	if r.ExitCode == 0 {
		t.Fatalf("want failure: %s", r)
	}
	if !strings.Contains(r.Stderr, "Cannot connect") || !strings.Contains(r.Stderr, sock) {
		t.Errorf("want \"Cannot connect\" naming %s on stderr: %s", sock, r)
	}
}
