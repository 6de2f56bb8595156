package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/containerd/errdefs"
)

// serve runs h on <dir>/<name>.sock until the test ends.
func serve(t *testing.T, dir, name string, h http.HandlerFunc) {
	t.Helper()
	ln, err := net.Listen("unix", filepath.Join(dir, name+".sock"))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
}

func TestLookupAndScan(t *testing.T) {
	run, cfg := t.TempDir(), t.TempDir()
	serve(t, run, "sockplug", func(http.ResponseWriter, *http.Request) {})
	os.WriteFile(filepath.Join(cfg, "specplug.spec"), []byte("tcp://127.0.0.1:9\n"), 0o644)
	os.MkdirAll(filepath.Join(cfg, "jsonplug"), 0o755)
	os.WriteFile(filepath.Join(cfg, "jsonplug", "jsonplug.json"), []byte(`{"Name":"x","Addr":"https://127.0.0.1:9"}`), 0o644)
	os.WriteFile(filepath.Join(cfg, "bad.spec"), []byte("no-scheme"), 0o644)
	dirs := []string{run, cfg}

	for name, addr := range map[string]string{
		"sockplug": "unix://" + filepath.Join(run, "sockplug.sock"),
		"specplug": "tcp://127.0.0.1:9",
		"jsonplug": "https://127.0.0.1:9",
	} {
		s, err := Lookup(dirs, name)
		if err != nil || s.Addr != addr || s.Name != name {
			t.Errorf("Lookup(%s) = %+v, %v; want %s", name, s, err, addr)
		}
	}
	if _, err := Lookup(dirs, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing plugin: %v", err)
	}
	if _, err := Lookup(dirs, "../x"); err == nil {
		t.Error("a name with a slash was looked up")
	}
	if _, err := Lookup(dirs, "bad"); err == nil || !strings.Contains(err.Error(), "Unknown protocol") {
		t.Errorf("spec without scheme: %v", err)
	}
	got := Scan(dirs)
	slices.Sort(got)
	if want := []string{"bad", "jsonplug", "sockplug", "specplug"}; !slices.Equal(got, want) {
		t.Errorf("Scan = %v, want %v", got, want)
	}
}

func TestProtocol(t *testing.T) {
	dir := t.TempDir()
	var calls []string
	serve(t, dir, "p", func(w http.ResponseWriter, r *http.Request) {
		var req map[string]any
		json.NewDecoder(r.Body).Decode(&req)
		calls = append(calls, r.URL.Path)
		if r.Method != http.MethodPost || r.Header.Get("Accept") != MediaType {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		switch r.URL.Path {
		case "/Plugin.Activate":
			json.NewEncoder(w).Encode(map[string]any{"Implements": []string{"VolumeDriver"}})
		case "/VolumeDriver.Create":
			if req["Name"] == "bad" {
				json.NewEncoder(w).Encode(map[string]string{"Err": "refused"})
				return
			}
			w.Write([]byte(`{}`))
		case "/VolumeDriver.Mount":
			json.NewEncoder(w).Encode(map[string]string{"Mountpoint": "/m/" + req["Name"].(string) + "/" + req["ID"].(string)})
		case "/VolumeDriver.Get":
			json.NewEncoder(w).Encode(map[string]any{"Volume": map[string]any{"Name": req["Name"], "Mountpoint": "/m", "Status": map[string]any{"s": 1}}})
		case "/VolumeDriver.List":
			json.NewEncoder(w).Encode(map[string]any{"Volumes": []map[string]string{{"Name": "a"}, {"Name": "b"}}})
		case "/VolumeDriver.Remove":
			w.WriteHeader(http.StatusInternalServerError)
			json.NewEncoder(w).Encode(map[string]string{"Err": "busy"})
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte("404 page not found"))
		}
	})
	spec, err := Lookup([]string{dir}, "p")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(spec)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Activate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, "v", map[string]string{"o": "x"}); err != nil {
		t.Error(err)
	}
	if err := c.Create(ctx, "bad", nil); err == nil || err.Error() != "refused" {
		t.Errorf("Err answer: %v", err)
	}
	if mp, err := c.Mount(ctx, "v", "ctr1"); err != nil || mp != "/m/v/ctr1" {
		t.Errorf("Mount = %q, %v", mp, err)
	}
	if v, err := c.Get(ctx, "v"); err != nil || v.Mountpoint != "/m" || v.Status["s"] != float64(1) {
		t.Errorf("Get = %+v, %v", v, err)
	}
	if ls, err := c.List(ctx); err != nil || len(ls) != 2 {
		t.Errorf("List = %v, %v", ls, err)
	}
	if err := c.Remove(ctx, "v"); err == nil || err.Error() != "VolumeDriver.Remove: busy" {
		t.Errorf("non-200 with Err: %v", err)
	}
	if caps, err := c.Capabilities(ctx); err == nil || caps.Scope != "local" {
		t.Errorf("Capabilities of a plugin without it: %+v, %v", caps, err)
	}
	if calls[0] != "/Plugin.Activate" {
		t.Errorf("calls %v", calls)
	}
}

func TestActivateNotAVolumeDriver(t *testing.T) {
	dir := t.TempDir()
	serve(t, dir, "auth", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"Implements": []string{"authz"}})
	})
	spec, _ := Lookup([]string{dir}, "auth")
	c, _ := NewClient(spec)
	if err := c.Activate(context.Background()); err == nil || !strings.Contains(err.Error(), "does not implement") {
		t.Errorf("Activate: %v", err)
	}
}

func TestPluginDown(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(dir, "down.sock"), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
	spec, err := Lookup([]string{dir}, "down")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := NewClient(spec)
	err = c.Activate(context.Background())
	var ue *UnavailableError
	if !errors.As(err, &ue) || !errdefs.IsUnavailable(err) || !strings.Contains(err.Error(), `plugin "down" is not responding: dial unix`) {
		t.Errorf("down plugin: %v", err)
	}
}
