package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/registry"
)

func TestConfigFileRoundTripKeepsUnknownKeys(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	orig := `{
	"auths": {
		"localhost:5000": {"auth": "` + b64("old:pw") + `", "email": "me@example.com", "x-extra": 1}
	},
	"psFormat": "table {{.ID}}",
	"plugins": {"buildx": {"x": "y"}},
	"x-unknown": {"nested": [1, 2, {"deep": true}], "n": 1.5e3}
}`
	if err := os.WriteFile(path, []byte(orig), 0o640); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfigFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.setAuth(registry.AuthConfig{Username: "new", Password: "secret", ServerAddress: "localhost:5000"}); err != nil {
		t.Fatal(err)
	}
	if err := cfg.setAuth(registry.AuthConfig{Username: "hub", Password: "pw", ServerAddress: indexServer}); err != nil {
		t.Fatal(err)
	}
	if err := cfg.save(); err != nil {
		t.Fatal(err)
	}

	var got map[string]any
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	var want map[string]any
	_ = json.Unmarshal([]byte(`{
	"auths": {
		"localhost:5000": {"auth": "`+b64("new:secret")+`", "email": "me@example.com", "x-extra": 1},
		"https://index.docker.io/v1/": {"auth": "`+b64("hub:pw")+`"}
	},
	"psFormat": "table {{.ID}}",
	"plugins": {"buildx": {"x": "y"}},
	"x-unknown": {"nested": [1, 2, {"deep": true}], "n": 1500}
}`), &want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("saved:\n%s", data)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want the file's 0640 kept", fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}

	// Read back as lookups do, then erase one entry.
	cfg, err = loadConfigFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	ac, ok, err := cfg.authFor("localhost:5000")
	if err != nil || !ok || ac.Username != "new" || ac.Password != "secret" {
		t.Errorf("authFor: %+v %v %v", ac, ok, err)
	}
	if err := cfg.storeFor("localhost:5000").Erase("localhost:5000"); err != nil {
		t.Fatal(err)
	}
	cfg, _ = loadConfigFile(dir)
	if _, ok, _ := cfg.authFor("localhost:5000"); ok {
		t.Error("entry not erased")
	}
	if cfg.str("psFormat") != "table {{.ID}}" {
		t.Errorf("psFormat lost: %s", cfg.keys["psFormat"])
	}
}

func TestConfigFileNewAndSymlink(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing", "docker")
	cfg, err := loadConfigFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := (fileStore{cfg}).Store(registry.AuthConfig{Username: "u", Password: "p", ServerAddress: "r.example"}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "config.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new config: %v %v", fi, err)
	}

	// A symlinked config.json is written through, not replaced.
	real := filepath.Join(t.TempDir(), "real.json")
	if err := os.WriteFile(real, []byte(`{"credsStore":""}`), 0o600); err != nil {
		t.Fatal(err)
	}
	link := t.TempDir()
	if err := os.Symlink(real, filepath.Join(link, "config.json")); err != nil {
		t.Fatal(err)
	}
	cfg, _ = loadConfigFile(link)
	if err := (fileStore{cfg}).Store(registry.AuthConfig{Username: "u", Password: "p", ServerAddress: "r.example"}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(filepath.Join(link, "config.json")); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("symlink replaced by a file")
	}
	if data, _ := os.ReadFile(real); !json.Valid(data) || !containsAll(string(data), `"r.example"`, `"credsStore"`) {
		t.Errorf("target: %s", data)
	}
}

func TestConfigFileInvalid(t *testing.T) {
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"auths":`), 0o600)
	if _, err := loadConfigFile(dir); err == nil {
		t.Fatal("want an error for a truncated config.json")
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
