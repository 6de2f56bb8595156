package config

// dockerOnlyKeys are daemon.json keys that dockerd (Linux) accepts but skiff
// has no use for. They are accepted so a Docker daemon.json loads unchanged,
// and reported by Unused so the daemon can warn that they have no effect.
var dockerOnlyKeys = map[string]bool{
	"allow-direct-routing":         true,
	"api-cors-header":              true,
	"authorization-plugins":        true,
	"bip6":                         true,
	"bridge":                       true,
	"bridge-accept-fwmark":         true,
	"cdi-spec-dirs":                true,
	"containerd":                   true,
	"containerd-namespace":         true,
	"containerd-plugins-namespace": true,
	"cpu-rt-period":                true,
	"cpu-rt-runtime":               true,
	"cri-containerd":               true,
	"default-cgroupns-mode":        true,
	"default-gateway":              true,
	"default-gateway-v6":           true,
	"default-ipc-mode":             true,
	"default-network-opts":         true,
	"deprecated-key-path":          true,
	"firewall-backend":             true,
	"fixed-cidr-v6":                true,
	"group":                        true,
	"host-gateway-ips":             true,
	"icc":                          true,
	"init":                         true,
	"init-path":                    true,
	"ip":                           true,
	"ip-forward":                   true,
	"ip-forward-no-drop":           true,
	"ip-masq":                      true,
	"ip6tables":                    true,
	"iptables":                     true,
	"log-format":                   true,
	"max-download-attempts":        true,
	"metrics-addr":                 true,
	"network-control-plane-mtu":    true,
	"network-diagnostic-port":      true,
	"node-generic-resources":       true,
	"oom-score-adjust":             true,
	"pidfile":                      true,
	"raw-logs":                     true,
	"rootless":                     true,
	"runtimes":                     true,
	"selinux-enabled":              true,
	"swarm-default-advertise-addr": true,
	"userland-proxy-path":          true,
	"userns-remap":                 true,
}

// nestedKeys are objects whose members Docker flattens into top-level
// directives (for unknown-key and conflict checks); every other object
// value (features, log-opts, builder…) is one directive.
var nestedKeys = map[string]bool{"proxies": true}

// flagAliases maps dockerd's singular flag names to their daemon.json keys,
// so callers of Merge may name either.
var flagAliases = map[string]string{
	"host":                            "hosts",
	"label":                           "labels",
	"dns-opt":                         "dns-opts",
	"insecure-registry":               "insecure-registries",
	"registry-mirror":                 "registry-mirrors",
	"storage-opt":                     "storage-opts",
	"log-opt":                         "log-opts",
	"exec-opt":                        "exec-opts",
	"default-ulimit":                  "default-ulimits",
	"default-address-pool":            "default-address-pools",
	"feature":                         "features",
	"allow-nondistributable-artifact": "allow-nondistributable-artifacts",
}
