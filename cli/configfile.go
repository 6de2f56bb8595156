package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/moby/api/types/registry"
)

// configFileName is the client configuration in the --config directory.
const configFileName = "config.json"

// configFile is the docker client's config.json. It holds every key of the
// file as read, so that a rewrite keeps what skiff does not know about
// (plugins, proxies, formats, ...); only the keys skiff changes are touched.
type configFile struct {
	path string
	keys map[string]json.RawMessage
}

// loadConfigFile reads dir/config.json; a missing file is an empty config.
func loadConfigFile(dir string) (*configFile, error) {
	c := &configFile{path: filepath.Join(dir, configFileName), keys: map[string]json.RawMessage{}}
	data, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("loading config file: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(data, &c.keys); err != nil {
		return nil, fmt.Errorf("loading config file: %s: %w", c.path, err)
	}
	if c.keys == nil { // the file said null
		c.keys = map[string]json.RawMessage{}
	}
	return c, nil
}

// get decodes the top-level key into v; a missing key leaves v alone.
func (c *configFile) get(key string, v any) error {
	raw, ok := c.keys[key]
	if !ok {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("loading config file: %s: %q: %w", c.path, key, err)
	}
	return nil
}

// str is a top-level string key ("credsStore", "imagesFormat"), or "".
func (c *configFile) str(key string) string {
	var s string
	_ = c.get(key, &s)
	return s
}

// formatOrConfig is the --format flag, or when it is empty the default
// format the config file sets under key ("psFormat", "imagesFormat"...).
func (a *app) formatOrConfig(flag, key string) string {
	if flag != "" {
		return flag
	}
	if cfg, err := a.configFile(); err == nil {
		return cfg.str(key)
	}
	return ""
}

// credHelpers is the per-registry credential helpers map.
func (c *configFile) credHelpers() map[string]string {
	var m map[string]string
	_ = c.get("credHelpers", &m)
	return m
}

// pruneFilters are the default "key=value" filters of the prune commands.
func (c *configFile) pruneFilters() []string {
	var l []string
	_ = c.get("pruneFilters", &l)
	return l
}

// authEntries are the entries under "auths", each with its keys as read.
func (c *configFile) authEntries() (map[string]map[string]json.RawMessage, error) {
	var m map[string]map[string]json.RawMessage
	if err := c.get("auths", &m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]map[string]json.RawMessage{}
	}
	return m, nil
}

// authFor returns the credentials stored under "auths" for server, as the
// docker CLI reads them: "auth" is base64("user:password"), and an entry
// whose key is a URL matches its host name too. found is false when there
// is no entry.
func (c *configFile) authFor(server string) (registry.AuthConfig, bool, error) {
	entries, err := c.authEntries()
	if err != nil {
		return registry.AuthConfig{}, false, err
	}
	key, ok := server, false
	if _, ok = entries[server]; !ok {
		for k := range entries {
			if convertToHostname(k) == server {
				key, ok = k, true
				break
			}
		}
	}
	if !ok {
		return registry.AuthConfig{}, false, nil
	}
	e := entries[key]
	var ac registry.AuthConfig
	str := func(name string) string {
		var s string
		_ = json.Unmarshal(e[name], &s)
		return s
	}
	ac.Username, ac.Password = str("username"), str("password")
	if auth := str("auth"); auth != "" {
		if ac.Username, ac.Password, err = decodeAuth(auth); err != nil {
			return registry.AuthConfig{}, false, fmt.Errorf("loading config file: %s: %q: %w", c.path, key, err)
		}
	}
	ac.IdentityToken = str("identitytoken")
	ac.RegistryToken = str("registrytoken")
	ac.ServerAddress = key
	return ac, true, nil
}

// setAuth stores ac under "auths"[ac.ServerAddress] as the docker CLI writes
// it (username and password folded into "auth"), keeping the entry's other
// keys. Credentials without a username, password or token leave an empty
// entry, which is what docker writes when a helper holds the secret.
func (c *configFile) setAuth(ac registry.AuthConfig) error {
	entries, err := c.authEntries()
	if err != nil {
		return err
	}
	e := entries[ac.ServerAddress]
	if e == nil {
		e = map[string]json.RawMessage{}
	}
	set := func(name, v string) {
		if v == "" {
			delete(e, name)
			return
		}
		e[name], _ = json.Marshal(v)
	}
	delete(e, "username")
	delete(e, "password")
	delete(e, "serveraddress")
	set("auth", encodeAuth(ac.Username, ac.Password))
	set("identitytoken", ac.IdentityToken)
	set("registrytoken", ac.RegistryToken)
	entries[ac.ServerAddress] = e
	return c.setAuthEntries(entries)
}

// removeAuth deletes the "auths" entry of server; it reports whether there
// was one.
func (c *configFile) removeAuth(server string) (bool, error) {
	entries, err := c.authEntries()
	if err != nil {
		return false, err
	}
	if _, ok := entries[server]; !ok {
		return false, nil
	}
	delete(entries, server)
	return true, c.setAuthEntries(entries)
}

func (c *configFile) setAuthEntries(entries map[string]map[string]json.RawMessage) error {
	raw, err := json.Marshal(entries)
	if err != nil {
		return err
	}
	c.keys["auths"] = raw
	return nil
}

// save writes the file atomically: a temporary file next to it, synced,
// renamed over it, then the directory synced. A symlinked config.json is
// followed, and the file keeps its mode (0600 for a new one).
func (c *configFile) save() (err error) {
	data, err := json.MarshalIndent(c.keys, "", "\t")
	if err != nil {
		return err
	}
	target := c.path
	if p, err := filepath.EvalSymlinks(target); err == nil {
		target = p
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	mode := fs.FileMode(0o600)
	if fi, err := os.Stat(target); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	return writeFileAtomic(target, bytes.NewReader(data), mode)
}

// encodeAuth is the "auth" value of config.json: base64("user:password").
func encodeAuth(user, password string) string {
	if user == "" && password == "" {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
}

func decodeAuth(s string) (user, password string, err error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", "", err
	}
	user, password, ok := strings.Cut(string(b), ":")
	if !ok || user == "" {
		return "", "", errors.New("invalid auth configuration file")
	}
	return user, strings.Trim(password, "\x00"), nil
}
