// Package spec turns a container's Docker configuration into the OCI
// runtime spec that skiff's init executes, with Docker's defaults, and
// validates a HostConfig at create time with Docker's messages.
package spec

import (
	"maps"
	"os"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
)

// Input is everything Build needs about one container.
type Input struct {
	ID         string
	Config     *container.Config // merged with the image config
	HostConfig *container.HostConfig
	Rootfs     string // the mounted root filesystem (Root.Path)
	// Per-container files bind-mounted onto /etc/hosts, /etc/resolv.conf
	// and /etc/hostname, writable unless the rootfs is read-only (as
	// Docker). Empty: not mounted.
	HostsPath, ResolvConfPath, HostnamePath string
	// Mounts are the binds and volumes the engine resolved from
	// HostConfig.Binds and HostConfig.Mounts; they replace default mounts
	// at the same destination.
	Mounts []specs.Mount
	// Rootless: the engine runs in a user namespace (no mknod, no real root).
	Rootless bool
	// SingleID: the user namespace maps one id only.
	SingleID bool
	Cgroups  cgroups.Info
	// NetNSPath is a network namespace to join; "" makes a new one
	// (or none with --network host).
	NetNSPath string
	// Seccomp is the filter the engine computed; ignored for --privileged.
	Seccomp *specs.LinuxSeccomp
}

// Build returns the OCI spec for in. Errors are errdefs kinds: invalid
// configuration is InvalidArgument, unsupported modes NotImplemented.
func Build(in Input) (*specs.Spec, error) {
	cfg, hc := in.Config, in.HostConfig
	if cfg == nil {
		cfg = &container.Config{}
	}
	if hc == nil {
		hc = &container.HostConfig{}
	}
	if err := checkModes(hc, in.NetNSPath); err != nil {
		return nil, err
	}
	sec, err := parseSecurityOpts(hc.SecurityOpt)
	if err != nil {
		return nil, err
	}
	entrypoint := cfg.Entrypoint
	if len(entrypoint) == 1 && entrypoint[0] == "" {
		entrypoint = nil // [""] resets the image's entrypoint
	}
	args := append(append([]string{}, entrypoint...), cfg.Cmd...)
	if len(args) == 0 {
		return nil, invalidf("no command specified")
	}

	hostname := cfg.Hostname
	if hostname == "" {
		hostname = DefaultHostname(in.ID, hc)
	}
	usr, home, err := resolveUser(in.Rootfs, cfg.User, hc.GroupAdd)
	if err != nil {
		return nil, err
	}
	if in.SingleID {
		if err := checkSingleID(&usr); err != nil {
			return nil, err
		}
	}
	caps, err := capabilities(hc.CapAdd, hc.CapDrop, hc.Privileged)
	if err != nil {
		return nil, err
	}
	limits, err := rlimits(hc.Ulimits, in.Rootless)
	if err != nil {
		return nil, err
	}
	cwd := cfg.WorkingDir
	if cwd == "" {
		cwd = "/"
	}
	oom := hc.OomScoreAdj
	if in.Rootless {
		// lowering the score needs CAP_SYS_RESOURCE in the initial user
		// namespace: start from the engine's own, as Docker rootless
		oom = max(oom, currentOOMScoreAdj())
	}
	s := &specs.Spec{
		Version: specs.Version,
		Process: &specs.Process{
			Terminal: cfg.Tty,
			User:     usr,
			Args:     args,
			Env:      environment(cfg, hostname, home),
			Cwd:      cwd,
			Capabilities: &specs.LinuxCapabilities{
				Bounding:  caps,
				Effective: caps,
				Permitted: caps,
			},
			Rlimits:         limits,
			NoNewPrivileges: sec.noNewPrivileges,
			OOMScoreAdj:     &oom,
		},
		Root:        &specs.Root{Path: in.Rootfs, Readonly: hc.ReadonlyRootfs},
		Hostname:    hostname,
		Domainname:  cfg.Domainname,
		Annotations: maps.Clone(hc.Annotations),
	}
	if cfg.Tty && hc.ConsoleSize != [2]uint{} {
		s.Process.ConsoleSize = &specs.Box{Height: hc.ConsoleSize[0], Width: hc.ConsoleSize[1]}
	}
	if hc.UTSMode.IsHost() {
		s.Hostname, s.Domainname = "", ""
	}
	if hc.Umask != nil {
		u := *hc.Umask
		s.Process.User.Umask = &u
	}

	linux, err := buildLinux(in, cfg, hc, sec)
	if err != nil {
		return nil, err
	}
	s.Linux = linux
	s.Mounts, err = buildMounts(mountPlan{
		in: in, hc: hc,
		writableCgroups: writableCgroups(hc, sec),
		pidHost:         hc.PidMode.IsHost(),
		ipcHost:         hc.IpcMode.IsHost(),
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// currentOOMScoreAdj is the engine's oom_score_adj; a var for tests.
var currentOOMScoreAdj = func() int {
	b, err := os.ReadFile("/proc/self/oom_score_adj")
	if err != nil {
		return 0
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return v
}

// writableCgroups is --security-opt writable-cgroups, defaulting to
// --privileged.
func writableCgroups(hc *container.HostConfig, sec securityOpts) bool {
	if sec.writableCgroups != nil {
		return *sec.writableCgroups
	}
	return hc.Privileged
}

// buildLinux fills the Linux section: namespaces, sysctls, devices,
// resources, masked and read-only paths, seccomp.
func buildLinux(in Input, cfg *container.Config, hc *container.HostConfig, sec securityOpts) (*specs.Linux, error) {
	if in.Rootless && sec.writableCgroups != nil {
		return nil, invalidf("option WritableCgroups conflicts with user namespaces and rootless mode")
	}
	l := &specs.Linux{Namespaces: namespaces(hc, cfg, in.NetNSPath, in.Cgroups)}

	has := func(t specs.LinuxNamespaceType) bool {
		for _, n := range l.Namespaces {
			if n.Type == t {
				return true
			}
		}
		return false
	}
	ownNet := has(specs.NetworkNamespace) && !hc.NetworkMode.IsContainer()
	l.Sysctl = defaultSysctls(ownNet, in.Rootless)
	if cfg.Domainname != "" && has(specs.UTSNamespace) {
		// no OCI field for the NIS domain name; this sysctl sets it
		l.Sysctl["kernel.domainname"] = cfg.Domainname
	}
	privacy := nsPrivacy{ipc: has(specs.IPCNamespace), net: has(specs.NetworkNamespace), uts: has(specs.UTSNamespace)}
	for k, v := range hc.Sysctls {
		if err := validateSysctl(k, privacy); err != nil {
			return nil, err
		}
		l.Sysctl[k] = v
	}

	devs, rules, err := devices(hc)
	if err != nil {
		return nil, err
	}
	l.Devices = devs
	l.Resources = resources(hc.Resources, rules, in.Cgroups)

	if !hc.Privileged {
		l.MaskedPaths = DefaultMaskedPaths()
		l.ReadonlyPaths = DefaultReadonlyPaths()
		l.Seccomp = in.Seccomp
	}
	// explicit lists (docker's --security-opt systempaths=unconfined sends
	// empty ones) win over the defaults
	if hc.MaskedPaths != nil {
		l.MaskedPaths = hc.MaskedPaths
	}
	if hc.ReadonlyPaths != nil {
		l.ReadonlyPaths = hc.ReadonlyPaths
	}
	if in.Rootless && hc.PidMode.IsHost() {
		// /proc is the host's bind mount then, and cannot be remounted
		var keep []string
		for _, p := range l.ReadonlyPaths {
			if !strings.HasPrefix(p, "/proc/") {
				keep = append(keep, p)
			}
		}
		l.ReadonlyPaths = keep
	}
	return l, nil
}

// devices computes device nodes and cgroup rules: every host device for
// --privileged, else Docker's defaults plus --device and
// --device-cgroup-rule.
func devices(hc *container.HostConfig) ([]specs.LinuxDevice, []specs.LinuxDeviceCgroup, error) {
	if hc.Privileged {
		devs, err := hostDevices()
		if err != nil {
			return nil, nil, err
		}
		for _, m := range hc.Devices {
			if m.PathInContainer == m.PathOnHost || m.PathInContainer == "" {
				continue // already there
			}
			d, _, err := devicesFromMapping(container.DeviceMapping{PathOnHost: m.PathOnHost, PathInContainer: m.PathInContainer, CgroupPermissions: "rwm"})
			if err != nil {
				return nil, nil, err
			}
			devs = append(devs, d...)
		}
		return devs, []specs.LinuxDeviceCgroup{{Allow: true, Access: "rwm"}}, nil
	}
	var devs []specs.LinuxDevice
	rules := defaultDeviceRules()
	for _, m := range hc.Devices {
		d, r, err := devicesFromMapping(m)
		if err != nil {
			return nil, nil, err
		}
		devs = append(devs, d...)
		rules = append(rules, r...)
	}
	for _, s := range hc.DeviceCgroupRules {
		r, err := deviceCgroupRule(s)
		if err != nil {
			return nil, nil, err
		}
		rules = append(rules, r)
	}
	return devs, rules, nil
}

// checkSingleID refuses ids that a single-id user namespace cannot switch
// to, and drops unmappable supplementary groups.
func checkSingleID(u *specs.User) error {
	if u.UID != 0 || u.GID != 0 {
		return invalidf("cannot run as %d:%d: the engine's user namespace maps a single id (install newuidmap/newgidmap and add subordinate ids to /etc/subuid and /etc/subgid)", u.UID, u.GID)
	}
	gids := u.AdditionalGids[:0]
	for _, g := range u.AdditionalGids {
		if g == 0 {
			gids = append(gids, g)
		}
	}
	u.AdditionalGids = gids
	return nil
}
