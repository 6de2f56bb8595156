package cli

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// defaultTCPPort is the plain-TCP Docker API port, used when tcp:// has none.
const defaultTCPPort = "2375"

// hostSpec is a resolved daemon address.
type hostSpec struct {
	// URL is the normalized address: unix:///path, tcp://host:port or
	// ssh://[user@]host[:port][/socket].
	URL string
	// Default is true when no flag or environment variable named the host,
	// which is the only case where the CLI may start a daemon itself.
	Default bool
}

// scheme returns the URL scheme of h.
func (h hostSpec) scheme() string {
	s, _, _ := strings.Cut(h.URL, "://")
	return s
}

// socketPath is the path of a unix:// host.
func (h hostSpec) socketPath() string { return strings.TrimPrefix(h.URL, "unix://") }

// resolveHost picks the daemon address: the first -H, then SKIFF_HOST, then
// DOCKER_HOST, then the default socket.
func resolveHost(flagHosts []string, getenv func(string) string, defaultHost func() (string, error)) (hostSpec, error) {
	var raw string
	switch {
	case len(flagHosts) > 0 && flagHosts[0] != "":
		raw = flagHosts[0]
	case getenv("SKIFF_HOST") != "":
		raw = getenv("SKIFF_HOST")
	case getenv("DOCKER_HOST") != "":
		raw = getenv("DOCKER_HOST")
	default:
		d, err := defaultHost()
		if err != nil {
			return hostSpec{}, err
		}
		u, err := normalizeHost(d)
		return hostSpec{URL: u, Default: true}, err
	}
	u, err := normalizeHost(raw)
	return hostSpec{URL: u}, err
}

// normalizeHost validates a host address and fills in what docker fills in
// (the default TCP port).
func normalizeHost(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || rest == "" {
		return "", fmt.Errorf("invalid host %q: want unix:///path, tcp://host:port or ssh://[user@]host[:port]", raw)
	}
	switch scheme {
	case "unix":
		if !strings.HasPrefix(rest, "/") {
			return "", fmt.Errorf("invalid host %q: the socket path must be absolute", raw)
		}
		return raw, nil
	case "tcp":
		u, err := url.Parse(raw)
		if err != nil {
			return "", fmt.Errorf("invalid host %q: %w", raw, err)
		}
		host, port := u.Hostname(), u.Port()
		if host == "" {
			host = "127.0.0.1"
		}
		if port == "" {
			port = defaultTCPPort
		}
		u.Host = net.JoinHostPort(host, port)
		return u.String(), nil
	case "ssh":
		if _, err := parseSSHHost(raw); err != nil {
			return "", err
		}
		return raw, nil
	default:
		return "", fmt.Errorf("invalid host %q: unsupported scheme %q (unix, tcp or ssh)", raw, scheme)
	}
}
