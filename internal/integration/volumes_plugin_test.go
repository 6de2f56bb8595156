package integration

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/skiff-engine/skiff/internal/integration/harness"
)

// fakeVolumePlugin is a legacy volume plugin served on a unix socket in
// the test daemon's plugin directory, recording the calls it gets.
type fakeVolumePlugin struct {
	mu    sync.Mutex
	calls []string
	opts  map[string]map[string]string
	vols  map[string]bool
}

// pluginDir is where a rootless skiff daemon of d looks for plugin sockets.
func pluginDir(t *testing.T, d *harness.Daemon) string {
	t.Helper()
	dir := filepath.Join(d.Env.RuntimeDir, "skiff", "plugins")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	chownToUser(t, d, dir)
	return dir
}

func chownToUser(t *testing.T, d *harness.Daemon, p string) {
	t.Helper()
	if d.Env.User.Switch {
		if err := os.Chown(p, d.Env.User.UID, d.Env.User.GID); err != nil {
			t.Fatal(err)
		}
	}
}

// listenPlugin opens <plugin dir>/<name>.sock for the daemon's user.
func listenPlugin(t *testing.T, d *harness.Daemon, name string) *net.UnixListener {
	t.Helper()
	sock := filepath.Join(pluginDir(t, d), name+".sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	chownToUser(t, d, sock)
	return ln
}

func startFakeVolumePlugin(t *testing.T, d *harness.Daemon, name string) *fakeVolumePlugin {
	t.Helper()
	p := &fakeVolumePlugin{opts: map[string]map[string]string{}, vols: map[string]bool{"outside": true}}
	ln := listenPlugin(t, d, name)
	srv := &http.Server{Handler: http.HandlerFunc(p.serve)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return p
}

func (p *fakeVolumePlugin) serve(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/")
	var req struct {
		Name, ID string
		Opts     map[string]string
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, method+" "+req.Name)
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/vnd.docker.plugins.v1.2+json")
		_ = json.NewEncoder(w).Encode(v)
	}
	errNo := map[string]string{"Err": "no such volume"}
	switch method {
	case "Plugin.Activate":
		if r.Header.Get("Accept") != "application/vnd.docker.plugins.v1.2+json" {
			w.WriteHeader(http.StatusNotAcceptable)
			return
		}
		reply(map[string]any{"Implements": []string{"VolumeDriver"}})
	case "VolumeDriver.Capabilities":
		reply(map[string]any{"Capabilities": map[string]string{"Scope": "local"}})
	case "VolumeDriver.Create":
		if req.Name == "fail-me" {
			reply(map[string]string{"Err": "the plugin refuses"})
			return
		}
		p.vols[req.Name] = true
		p.opts[req.Name] = req.Opts
		reply(map[string]string{})
	case "VolumeDriver.Get":
		if !p.vols[req.Name] {
			reply(errNo)
			return
		}
		reply(map[string]any{"Volume": map[string]any{"Name": req.Name, "Mountpoint": "/plugin/mnt/" + req.Name, "Status": map[string]string{"hello": "world"}}})
	case "VolumeDriver.List":
		var ls []map[string]string
		for n := range p.vols {
			ls = append(ls, map[string]string{"Name": n, "Mountpoint": "/plugin/mnt/" + n})
		}
		reply(map[string]any{"Volumes": ls})
	case "VolumeDriver.Remove":
		delete(p.vols, req.Name)
		reply(map[string]string{})
	case "VolumeDriver.Path", "VolumeDriver.Mount":
		reply(map[string]string{"Mountpoint": "/plugin/mnt/" + req.Name})
	case "VolumeDriver.Unmount":
		reply(map[string]string{})
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func (p *fakeVolumePlugin) called() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.calls)
}

func TestVolumePlugin(t *testing.T) {
	harness.SkiffOnly(t) // the plugin directory is skiff's
	d := harness.StartDaemon(t)
	p := startFakeVolumePlugin(t, d, "fakeplug")

	if out := strings.TrimSpace(d.MustDocker("volume", "create", "-d", "fakeplug", "-o", "speed=fast", "--label", "l=1", "pv")); out != "pv" {
		t.Fatalf("create printed %q", out)
	}
	calls := p.called()
	if len(calls) < 2 || calls[0] != "Plugin.Activate " || !slices.Contains(calls, "VolumeDriver.Create pv") {
		t.Errorf("plugin calls %v: want Plugin.Activate then VolumeDriver.Create", calls)
	}
	p.mu.Lock()
	if p.opts["pv"]["speed"] != "fast" {
		t.Errorf("driver options at the plugin: %v", p.opts["pv"])
	}
	p.mu.Unlock()

	var vols []struct {
		Name, Driver, Mountpoint string
		Labels                   map[string]string
		Status                   map[string]any
	}
	mustJSON(t, d.MustDocker("volume", "inspect", "pv"), &vols)
	if len(vols) != 1 || vols[0].Driver != "fakeplug" || vols[0].Mountpoint != "/plugin/mnt/pv" || vols[0].Status["hello"] != "world" || vols[0].Labels["l"] != "1" {
		t.Errorf("inspect: %+v", vols)
	}
	if !slices.Contains(p.called(), "VolumeDriver.Get pv") {
		t.Errorf("inspect did not ask the plugin: %v", p.called())
	}
	out := d.MustDocker("volume", "ls", "--format", "{{.Driver}} {{.Name}}")
	for _, want := range []string{"fakeplug pv", "fakeplug outside"} {
		if !strings.Contains(out, want) {
			t.Errorf("volume ls lacks %q:\n%s", want, out)
		}
	}

	r := d.DockerFail("volume", "create", "-d", "fakeplug", "fail-me")
	if !strings.Contains(r.Stderr, "create fail-me: the plugin refuses") {
		t.Errorf("plugin error: %s", r)
	}

	d.MustDocker("volume", "rm", "pv")
	if !slices.Contains(p.called(), "VolumeDriver.Remove pv") {
		t.Errorf("rm did not ask the plugin: %v", p.called())
	}
	if strings.Contains(d.MustDocker("volume", "ls", "-q"), "pv\n") {
		t.Errorf("pv still listed")
	}

	t.Run("PluginDown", func(t *testing.T) {
		ln := listenPlugin(t, d, "downplug")
		ln.SetUnlinkOnClose(false)
		ln.Close() // the socket stays; nobody answers on it
		r := d.DockerFail("volume", "create", "-d", "downplug", "dv")
		if !strings.Contains(r.Stderr, `create dv: error looking up volume plugin downplug: plugin "downplug" is not responding`) {
			t.Errorf("down plugin: %s", r)
		}
		local := uniqueName(t, "local")
		d.MustDocker("volume", "create", local)
		removeVolumesAtEnd(t, d, local)
		status, _, body := d.Request("GET", "/volumes", nil, nil)
		var resp struct {
			Volumes  []struct{ Name string }
			Warnings []string
		}
		if err := json.Unmarshal(body, &resp); status != 200 || err != nil {
			t.Fatalf("GET /volumes: %d %s", status, body)
		}
		if !slices.ContainsFunc(resp.Volumes, func(v struct{ Name string }) bool { return v.Name == local }) {
			t.Errorf("local volume missing while a plugin is down: %s", body)
		}
		if !slices.ContainsFunc(resp.Warnings, func(w string) bool { return strings.HasPrefix(w, "list downplug: ") }) {
			t.Errorf("no warning about the down plugin: %v", resp.Warnings)
		}
	})
}

func TestVolumeDockerPy(t *testing.T) {
	d := harness.StartDaemon(t)
	name := uniqueName(t, "pyvol")
	removeVolumesAtEnd(t, d, name)
	out := d.MustPython(`
v = client.volumes.create(name="` + name + `", labels={"a": "b"})
print(v.name, v.attrs["Driver"], v.attrs["Labels"]["a"])
print(len([x for x in client.volumes.list(filters={"label": "a=b"}) if x.name == v.name]))
got = client.volumes.get(v.name)
print(got.attrs["Mountpoint"].endswith("/_data"))
try:
    client.volumes.create(name="a/b")
except docker.errors.APIError as e:
    print(e.status_code)
try:
    client.volumes.get("nosuch-py")
except docker.errors.NotFound as e:
    print("notfound")
got.remove()
print(len([x for x in client.volumes.list() if x.name == v.name]))
r = client.volumes.prune()
print(type(r["VolumesDeleted"]).__name__)
`)
	want := name + " local b\n1\nTrue\n400\nnotfound\n0\nlist\n"
	if out != want {
		t.Errorf("docker-py:\n%s\nwant:\n%s", out, want)
	}
}
