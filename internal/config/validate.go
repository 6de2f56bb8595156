package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
)

// Validate checks values that decode but make no sense. Messages name the
// daemon.json key so the user knows what to fix.
func (c *Config) Validate() error {
	switch strings.ToLower(c.LogLevel) {
	case "", "trace", "debug", "info", "warn", "error", "fatal", "panic":
	default:
		return fmt.Errorf("log-level: invalid logging level %q: use debug, info, warn, error or fatal", c.LogLevel)
	}
	for _, h := range c.Hosts {
		if err := validateHost(h); err != nil {
			return fmt.Errorf("hosts: %w", err)
		}
	}
	for i, p := range c.DefaultAddressPools {
		if err := validatePool(p); err != nil {
			return fmt.Errorf("default-address-pools[%d]: %w", i, err)
		}
	}
	for _, d := range c.DNS {
		if _, err := netip.ParseAddr(d); err != nil {
			return fmt.Errorf("dns: %q is not an IP address", d)
		}
	}
	for _, s := range c.DNSSearch {
		if s == "" || len(s) > 255 || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "-") {
			return fmt.Errorf("dns-search: %q is not a valid domain", s)
		}
	}
	for key, v := range map[string]string{"fixed-cidr": c.FixedCIDR, "bip": c.BIP} {
		if v == "" {
			continue
		}
		if _, err := netip.ParsePrefix(v); err != nil {
			return fmt.Errorf("%s: %q is not a CIDR address such as 172.17.0.1/16", key, v)
		}
	}
	for _, l := range c.Labels {
		if k, _, ok := strings.Cut(l, "="); !ok || k == "" {
			return fmt.Errorf("labels: %q must be key=value", l)
		}
	}
	for _, m := range c.RegistryMirrors {
		u, err := url.Parse(m)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("registry-mirrors: %q is not an http:// or https:// URL", m)
		}
	}
	for _, o := range c.ExecOpts {
		k, v, ok := strings.Cut(o, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if !ok || k == "" || strings.TrimSpace(v) == "" {
			return fmt.Errorf("exec-opts: %q must be formatted opt=value", o)
		}
		if k != "native.cgroupdriver" {
			return fmt.Errorf("exec-opts: unknown option %q", k)
		}
	}
	for name, u := range c.DefaultUlimits {
		if u.Soft > u.Hard && u.Hard >= 0 {
			return fmt.Errorf("default-ulimits: %s: soft limit %d exceeds hard limit %d", name, u.Soft, u.Hard)
		}
	}
	for key, n := range map[string]int{"mtu": c.MTU, "max-concurrent-downloads": c.MaxConcurrentDownloads, "max-concurrent-uploads": c.MaxConcurrentUploads} {
		if n < 0 {
			return fmt.Errorf("%s: %d must not be negative", key, n)
		}
	}
	if c.MTU > 65535 {
		return fmt.Errorf("mtu: %d exceeds 65535", c.MTU)
	}
	if c.ShutdownTimeout < -1 {
		return fmt.Errorf("shutdown-timeout: %d must be -1 (wait forever) or more", c.ShutdownTimeout)
	}
	for key, p := range map[string]string{"data-root": c.DataRoot, "exec-root": c.ExecRoot} {
		if p != "" && !filepath.IsAbs(p) {
			return fmt.Errorf("%s: %q must be an absolute path", key, p)
		}
	}
	switch c.RootlessNetworkDriver {
	case "", NetworkGvisorTapVsock, NetworkSlirp4netns, NetworkPasta:
	default:
		return fmt.Errorf("rootless-network-driver: %q is not one of gvisor-tap-vsock, slirp4netns, pasta", c.RootlessNetworkDriver)
	}
	if c.HostGatewayIP != "" {
		if _, err := netip.ParseAddr(c.HostGatewayIP); err != nil {
			return fmt.Errorf("host-gateway-ip: %q is not an IP address", c.HostGatewayIP)
		}
	}
	if c.ShimGroupSize < 1 || c.ShimGroupSize > maxShimGroupSize {
		return fmt.Errorf("shim-group-size: %d must be between 1 (a shim per container) and %d", c.ShimGroupSize, maxShimGroupSize)
	}
	switch c.RootlessPortDriver {
	case "", PortBuiltin, PortImplicit:
	default:
		return fmt.Errorf("rootless-port-driver: %q is not one of builtin, implicit", c.RootlessPortDriver)
	}
	return nil
}

// maxShimGroupSize bounds shim-group-size: past a few dozen the memory a
// container saves is small, and a shim crash would end too many at once.
const maxShimGroupSize = 64

// validateHost accepts unix:///path, unix:// (the default socket),
// tcp://host:port and fd:// (systemd socket activation), as dockerd -H does.
func validateHost(h string) error {
	u, err := url.Parse(h)
	if err != nil {
		return fmt.Errorf("invalid address %q: %v", h, err)
	}
	switch u.Scheme {
	case "unix":
		if u.Host != "" || (u.Path != "" && !filepath.IsAbs(u.Path)) {
			return fmt.Errorf("invalid address %q: use unix:///absolute/path", h)
		}
	case "tcp":
		if u.Hostname() == "" && u.Port() == "" {
			return fmt.Errorf("invalid address %q: use tcp://host:port", h)
		}
		if u.Path != "" && u.Path != "/" {
			return fmt.Errorf("invalid address %q: a tcp address has no path", h)
		}
	case "fd":
	default:
		return fmt.Errorf("invalid address %q: use unix:// or tcp://", h)
	}
	return nil
}

func validatePool(p AddressPool) error {
	pfx, err := netip.ParsePrefix(p.Base)
	if err != nil {
		return fmt.Errorf("base %q is not a CIDR such as 172.17.0.0/16", p.Base)
	}
	if pfx.Masked() != pfx {
		return fmt.Errorf("base %q has host bits set; did you mean %s?", p.Base, pfx.Masked())
	}
	if p.Size < pfx.Bits() || p.Size > pfx.Addr().BitLen() {
		return fmt.Errorf("size %d must be between the base's prefix length %d and %d", p.Size, pfx.Bits(), pfx.Addr().BitLen())
	}
	return nil
}
