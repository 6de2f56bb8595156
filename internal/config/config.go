// Package config reads skiff's daemon.json. It uses Docker's key names so an
// existing /etc/docker/daemon.json can be copied over; keys Docker knows but
// skiff ignores are accepted and reported (Unused) so the daemon can warn,
// and keys nobody knows are an error, as dockerd does.
package config

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	units "github.com/docker/go-units"

	"github.com/skiff-engine/skiff/rootless/paths"
)

// Rootless network drivers (rootless-network-driver).
const (
	NetworkGvisorTapVsock = "gvisor-tap-vsock"
	NetworkSlirp4netns    = "slirp4netns"
	NetworkPasta          = "pasta"
)

// Rootless port drivers (rootless-port-driver).
const (
	PortBuiltin  = "builtin"
	PortImplicit = "implicit"
)

// Config is the daemon configuration: daemon.json merged with flags.
// JSON names are Docker's; the last block holds skiff's own keys.
type Config struct {
	DataRoot string   `json:"data-root,omitempty"`
	ExecRoot string   `json:"exec-root,omitempty"`
	Hosts    []string `json:"hosts,omitempty"`
	LogLevel string   `json:"log-level,omitempty"`
	Debug    bool     `json:"debug,omitempty"`

	Experimental    bool            `json:"experimental,omitempty"`
	Features        map[string]bool `json:"features,omitempty"`
	Labels          []string        `json:"labels,omitempty"`
	LiveRestore     bool            `json:"live-restore,omitempty"`
	ShutdownTimeout int             `json:"shutdown-timeout,omitempty"` // seconds

	InsecureRegistries             []string `json:"insecure-registries,omitempty"`
	RegistryMirrors                []string `json:"registry-mirrors,omitempty"`
	AllowNondistributableArtifacts []string `json:"allow-nondistributable-artifacts,omitempty"`
	MaxConcurrentDownloads         int      `json:"max-concurrent-downloads,omitempty"`
	MaxConcurrentUploads           int      `json:"max-concurrent-uploads,omitempty"`
	Proxies                        Proxies  `json:"proxies,omitzero"`

	DNS                 []string      `json:"dns,omitempty"`
	DNSOpts             []string      `json:"dns-opts,omitempty"`
	DNSSearch           []string      `json:"dns-search,omitempty"`
	DefaultAddressPools []AddressPool `json:"default-address-pools,omitempty"`
	MTU                 int           `json:"mtu,omitempty"`
	IPv6                bool          `json:"ipv6,omitempty"`
	FixedCIDR           string        `json:"fixed-cidr,omitempty"`
	BIP                 string        `json:"bip,omitempty"`
	UserlandProxy       bool          `json:"userland-proxy,omitempty"`

	StorageDriver string            `json:"storage-driver,omitempty"`
	StorageOpts   []string          `json:"storage-opts,omitempty"`
	LogDriver     string            `json:"log-driver,omitempty"`
	LogOpts       map[string]string `json:"log-opts,omitempty"`

	DefaultUlimits  map[string]Ulimit `json:"default-ulimits,omitempty"`
	DefaultRuntime  string            `json:"default-runtime,omitempty"`
	DefaultShmSize  ByteSize          `json:"default-shm-size,omitempty"`
	SeccompProfile  string            `json:"seccomp-profile,omitempty"`
	NoNewPrivileges bool              `json:"no-new-privileges,omitempty"`
	CgroupParent    string            `json:"cgroup-parent,omitempty"`
	ExecOpts        []string          `json:"exec-opts,omitempty"`

	TLS       bool   `json:"tls,omitempty"`
	TLSVerify bool   `json:"tlsverify,omitempty"`
	TLSCACert string `json:"tlscacert,omitempty"`
	TLSCert   string `json:"tlscert,omitempty"`
	TLSKey    string `json:"tlskey,omitempty"`

	Builder Builder `json:"builder,omitzero"`

	// RootlessNetworkDriver is the egress driver of the rootless network
	// namespace: gvisor-tap-vsock (built in), slirp4netns or pasta.
	RootlessNetworkDriver string `json:"rootless-network-driver,omitempty"`
	// HostGatewayIP is the address --add-host h:host-gateway resolves to;
	// empty means the rootless egress driver's host-loopback address.
	HostGatewayIP string `json:"host-gateway-ip,omitempty"`
	// RootlessPortDriver publishes ports: builtin (RootlessKit's forwarder)
	// or implicit (the network driver does it).
	RootlessPortDriver string `json:"rootless-port-driver,omitempty"`
	// IdleTimeout stops a daemon that has had no containers and no API
	// requests for this long; 0 means never.
	IdleTimeout Duration `json:"idle-timeout,omitempty"`
	// ShimGroupSize is how many containers one shim process serves: more
	// share one process's memory, fewer share its fault domain (a shim
	// that dies takes its containers with it). 1 is a shim per container.
	ShimGroupSize int `json:"shim-group-size,omitempty"`

	// file holds the keys daemon.json set (proxies flattened, as Docker
	// does) and their raw values, for conflict checks and Unused.
	file map[string]json.RawMessage
}

// Proxies are the daemon's proxies for registry traffic ("proxies" in
// daemon.json; Docker flattens them to http-proxy, https-proxy, no-proxy).
type Proxies struct {
	HTTPProxy  string `json:"http-proxy,omitempty"`
	HTTPSProxy string `json:"https-proxy,omitempty"`
	NoProxy    string `json:"no-proxy,omitempty"`
}

// AddressPool is one entry of default-address-pools: networks of prefix
// length Size are carved out of Base.
type AddressPool struct {
	Base string `json:"base"`
	Size int    `json:"size"`
}

// Ulimit is one entry of default-ulimits, in Docker's JSON shape.
type Ulimit struct {
	Name string `json:"Name"`
	Hard int64  `json:"Hard"`
	Soft int64  `json:"Soft"`
}

// Builder is the "builder" section (BuildKit garbage collection and
// entitlements). Docker decodes it leniently, so do we.
type Builder struct {
	GC           BuilderGC           `json:"gc,omitzero"`
	Entitlements BuilderEntitlements `json:"entitlements,omitzero"`
}

// BuilderGC configures the build cache garbage collector.
type BuilderGC struct {
	Enabled            *bool           `json:"enabled,omitempty"`
	DefaultKeepStorage string          `json:"defaultKeepStorage,omitempty"`
	Policy             []BuilderPolicy `json:"policy,omitempty"`
}

// BuilderPolicy is one build cache GC rule.
type BuilderPolicy struct {
	All          bool              `json:"all,omitempty"`
	Filter       map[string]string `json:"filter,omitempty"`
	KeepStorage  string            `json:"keepStorage,omitempty"`
	KeepDuration string            `json:"keepDuration,omitempty"`
}

// BuilderEntitlements grants privileged build features.
type BuilderEntitlements struct {
	NetworkHost      *bool `json:"network-host,omitempty"`
	SecurityInsecure *bool `json:"security-insecure,omitempty"`
}

// ByteSize is a size in bytes that daemon.json may give as a number or as a
// string with a unit ("64m", "1g"), as Docker's MemBytes accepts.
type ByteSize int64

// UnmarshalJSON accepts 67108864 or "64M".
func (b *ByteSize) UnmarshalJSON(data []byte) error {
	s := strings.Trim(string(data), `"`)
	if s == "" || s == "null" {
		return nil
	}
	v, err := units.RAMInBytes(s)
	if err != nil {
		return fmt.Errorf("invalid size %q: %w", s, err)
	}
	if v < 0 {
		return fmt.Errorf("invalid size %q: must not be negative", s)
	}
	*b = ByteSize(v)
	return nil
}

// MarshalJSON writes the size as a number of bytes.
func (b ByteSize) MarshalJSON() ([]byte, error) { return json.Marshal(int64(b)) }

// Duration is a time.Duration written as a Go duration string ("30m").
type Duration time.Duration

// UnmarshalJSON accepts "90s", "30m", "1h" or "" (zero).
func (d *Duration) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("a duration must be a string such as \"30m\", not %s", data)
	}
	if s == "" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	if v < 0 {
		return fmt.Errorf("duration %q must not be negative", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// String formats the duration as time.Duration does.
func (d Duration) String() string { return time.Duration(d).String() }

// DefaultShimGroupSize is shim-group-size when daemon.json does not set it.
const DefaultShimGroupSize = 8

// DefaultAddressPools are Docker's local-scope pools (libnetwork ipamutils),
// so networks get the same subnets under skiff as under Docker.
func DefaultAddressPools() []AddressPool {
	return []AddressPool{
		{Base: "172.17.0.0/16", Size: 16},
		{Base: "172.18.0.0/16", Size: 16},
		{Base: "172.19.0.0/16", Size: 16},
		{Base: "172.20.0.0/14", Size: 16},
		{Base: "172.24.0.0/14", Size: 16},
		{Base: "172.28.0.0/14", Size: 16},
		{Base: "192.168.0.0/16", Size: 20},
	}
}

// Defaults returns the configuration used when daemon.json sets nothing.
// Values follow dockerd's defaults; paths follow rootless/paths (left empty
// when they cannot be resolved, e.g. XDG_RUNTIME_DIR unset, so that the
// daemon reports that error where it needs the path).
func Defaults() *Config {
	c := &Config{
		LogLevel:               "info",
		Features:               map[string]bool{},
		ShutdownTimeout:        15,
		MaxConcurrentDownloads: 3,
		MaxConcurrentUploads:   5,
		DefaultAddressPools:    DefaultAddressPools(),
		MTU:                    1500,
		UserlandProxy:          true,
		LogDriver:              "json-file",
		LogOpts:                map[string]string{},
		DefaultUlimits:         map[string]Ulimit{},
		// "runc" because clients pass --runtime=runc expecting it to exist;
		// skiff maps it to its built-in runtime.
		DefaultRuntime: "runc",
		DefaultShmSize: 64 << 20,
		SeccompProfile: "builtin",
		// RootlessNetworkDriver stays empty: the rootless package picks its
		// default driver (the built-in gvisor-tap-vsock).
		RootlessPortDriver: PortBuiltin,
		ShimGroupSize:      DefaultShimGroupSize,
	}
	if d, err := paths.DataRoot(); err == nil {
		c.DataRoot = d
	}
	if d, err := paths.RuntimeDir(); err == nil {
		c.ExecRoot = d
	}
	return c
}
