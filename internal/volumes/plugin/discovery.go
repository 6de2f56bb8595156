// Package plugin speaks Docker's legacy (v1) plugin protocol to volume
// plugins: discovery of <name>.sock, .spec and .json files in the plugin
// directories, Plugin.Activate, and the VolumeDriver.* calls.
package plugin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotFound is returned by Lookup when no directory holds the plugin.
var ErrNotFound = errors.New("plugin not found")

// Spec is where a plugin listens, as a .json file describes it.
type Spec struct {
	Name      string
	Addr      string // unix:///path, tcp://host:port, http(s)://host:port
	TLSConfig *TLSConfig
}

// TLSConfig is the TLS part of a .json spec.
type TLSConfig struct {
	InsecureSkipVerify bool
	CAFile             string
	CertFile           string
	KeyFile            string
}

// DefaultDirs are where plugins are looked for: skiff's runtime and config
// directories (rootless: the user's, as rootless dockerd looks under
// $XDG_CONFIG_HOME), and rootful also Docker's own, so plugins installed
// for dockerd work unchanged.
func DefaultDirs(rootless bool, runtimeDir, configDir string) []string {
	dirs := []string{filepath.Join(runtimeDir, "plugins"), filepath.Join(configDir, "plugins")}
	if rootless {
		return dirs
	}
	return append(dirs, "/run/docker/plugins", "/etc/docker/plugins", "/usr/lib/docker/plugins")
}

// Lookup finds the plugin name in dirs, in order: <dir>/<name>.sock,
// <dir>/<name>/<name>.sock, then the .spec and .json files likewise.
func Lookup(dirs []string, name string) (*Spec, error) {
	if name == "" || strings.ContainsAny(name, "/\x00") || name == "." || name == ".." {
		return nil, fmt.Errorf("plugin %q not found", name)
	}
	for _, d := range dirs {
		for _, p := range candidates(d, name, ".sock") {
			if fi, err := os.Stat(p); err == nil && fi.Mode()&os.ModeSocket != 0 {
				return &Spec{Name: name, Addr: "unix://" + p}, nil
			}
		}
	}
	for _, d := range dirs {
		for _, ext := range []string{".spec", ".json"} {
			for _, p := range candidates(d, name, ext) {
				if _, err := os.Stat(p); err != nil {
					continue
				}
				return readSpec(name, p)
			}
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
}

// Scan lists the plugin names found in dirs, each once.
func Scan(dirs []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := e.Name()
			ext := filepath.Ext(name)
			switch {
			case e.IsDir():
				if _, err := Lookup([]string{d}, name); err == nil {
					add(name)
				}
			case ext == ".spec" || ext == ".json":
				add(strings.TrimSuffix(name, ext))
			case ext == ".sock" && e.Type()&os.ModeSocket != 0:
				add(strings.TrimSuffix(name, ext))
			}
		}
	}
	return out
}

func candidates(dir, name, ext string) []string {
	return []string{filepath.Join(dir, name+ext), filepath.Join(dir, name, name+ext)}
}

// readSpec reads a .spec (one URL) or .json (a Spec) file.
func readSpec(name, path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := &Spec{Name: name}
	if strings.HasSuffix(path, ".json") {
		if err := json.Unmarshal(b, s); err != nil {
			return nil, fmt.Errorf("reading plugin spec %s: %w", path, err)
		}
		s.Name = name
	} else {
		s.Addr = strings.TrimSpace(string(b))
	}
	u, err := url.Parse(s.Addr)
	if err != nil {
		return nil, fmt.Errorf("plugin spec %s: %w", path, err)
	}
	if u.Scheme == "" {
		return nil, fmt.Errorf("plugin spec %s: Unknown protocol", path)
	}
	return s, nil
}
