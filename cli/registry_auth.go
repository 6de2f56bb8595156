package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/registry"
)

// indexServer is the config.json key of Docker Hub's credentials.
const indexServer = "https://index.docker.io/v1/"

// authConfigEnv holds credentials that take precedence over config.json,
// as {"auths":{"server":{"auth":"base64(user:password)"}}}.
const authConfigEnv = "DOCKER_AUTH_CONFIG"

// authConfigKey is the config.json key of a registry's credentials: Docker
// Hub's legacy index URL, or the registry's host[:port].
func authConfigKey(domain string) string {
	if domain == "docker.io" || domain == "index.docker.io" {
		return indexServer
	}
	return domain
}

// convertToHostname reduces "https://host:port/path" or "host/path" to
// "host:port", the form credentials of a private registry are stored under.
func convertToHostname(s string) string {
	if strings.Contains(s, "://") {
		if u, err := url.Parse(s); err == nil && u.Hostname() != "" {
			if u.Port() == "" {
				return u.Hostname()
			}
			return net.JoinHostPort(u.Hostname(), u.Port())
		}
	}
	host, _, _ := strings.Cut(s, "/")
	return host
}

// encodeAuthHeader is the X-Registry-Auth value: base64url of the JSON.
func encodeAuthHeader(ac registry.AuthConfig) (string, error) {
	b, err := json.Marshal(ac)
	if err != nil {
		return "", err
	}
	return base64.URLEncoding.EncodeToString(b), nil
}

// configFile loads config.json from the --config directory.
func (a *app) configFile() (*configFile, error) {
	return loadConfigFile(a.globals.Config)
}

// lookupAuth returns the stored credentials of server (an authConfigKey),
// from $DOCKER_AUTH_CONFIG first, then the store config.json names. No
// credentials is not an error: the result is then empty.
func (a *app) lookupAuth(server string) (registry.AuthConfig, error) {
	if env := a.getenv(authConfigEnv); env != "" {
		ac, ok, err := envAuth(env, server)
		if err != nil {
			fmt.Fprintln(a.Stderr, "Failed to create credential store from DOCKER_AUTH_CONFIG: ", err)
		} else if ok {
			return ac, nil
		}
	}
	cfg, err := a.configFile()
	if err != nil {
		fmt.Fprintf(a.Stderr, "WARNING: Error %v\n", err)
		return registry.AuthConfig{}, nil
	}
	return cfg.storeFor(server).Get(server)
}

// envAuth finds server's entry in a DOCKER_AUTH_CONFIG value.
func envAuth(env, server string) (registry.AuthConfig, bool, error) {
	var v struct {
		Auths map[string]struct {
			Auth string `json:"auth"`
		} `json:"auths"`
	}
	dec := json.NewDecoder(strings.NewReader(env))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return registry.AuthConfig{}, false, err
	}
	e, ok := v.Auths[server]
	if !ok {
		return registry.AuthConfig{}, false, nil
	}
	if e.Auth == "" {
		return registry.AuthConfig{}, false, fmt.Errorf("DOCKER_AUTH_CONFIG environment variable is missing key `auth` for %s", server)
	}
	user, password, err := decodeAuth(e.Auth)
	if err != nil {
		return registry.AuthConfig{}, false, err
	}
	return registry.AuthConfig{Username: user, Password: password, ServerAddress: server}, true, nil
}

// registryAuth is the X-Registry-Auth header for ref's registry. Docker
// sends one even without credentials ("{}" encoded), and so does skiff.
func (a *app) registryAuth(ref reference.Named) (string, error) {
	ac, err := a.lookupAuth(authConfigKey(reference.Domain(ref)))
	if err != nil {
		return "", err
	}
	return encodeAuthHeader(ac)
}
