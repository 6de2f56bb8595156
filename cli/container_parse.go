package cli

import (
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// containerConfig is what ContainerCreate sends.
type containerConfig struct {
	Config           *container.Config
	HostConfig       *container.HostConfig
	NetworkingConfig *network.NetworkingConfig
}

// flagValueError is a flag value docker rejects while parsing flags; it
// prints as `invalid argument "x" for "-m, --memory" flag: ...`.
type flagValueError struct {
	flag, value string
	err         error
}

func (e *flagValueError) Error() string {
	return fmt.Sprintf("invalid argument %q for %q flag: %v", e.value, e.flag, e.err)
}

// toConfig turns the flags, the image and the command into the create
// request, checking values as docker's `run` and `create` do. lookup reads
// the CLI's environment for `-e NAME` and env-file lines without a value.
func (o *containerOptions) toConfig(image string, args []string, lookup func(string) (string, bool)) (*containerConfig, error) {
	res, err := o.resources()
	if err != nil {
		return nil, err
	}
	config := &container.Config{
		Hostname:   o.Hostname,
		Domainname: o.Domainname,
		User:       o.User,
		Tty:        o.TTY,
		OpenStdin:  o.Interactive,
		Image:      image,
		WorkingDir: o.Workdir,
		StopSignal: o.StopSignal,
	}
	if len(args) > 0 {
		config.Cmd = args
	}
	if o.Entrypoint != nil {
		// `--entrypoint ""` resets the image's entrypoint: docker sends [""].
		config.Entrypoint = []string{*o.Entrypoint}
	}
	config.StopTimeout = o.StopTimeout
	if err := o.attachStreams(config); err != nil {
		return nil, err
	}
	if config.Env, err = o.environment(lookup); err != nil {
		return nil, err
	}
	if config.Labels, err = o.labels(); err != nil {
		return nil, err
	}
	if config.Healthcheck, err = o.healthcheck(); err != nil {
		return nil, err
	}

	host := &container.HostConfig{
		ContainerIDFile: o.Cidfile,
		OomScoreAdj:     o.OomScoreAdj,
		AutoRemove:      o.Rm,
		Privileged:      o.Privileged,
		PublishAllPorts: o.PublishAll,
		Links:           o.Link,
		VolumesFrom:     o.VolumesFrom,
		IpcMode:         container.IpcMode(o.IPC),
		PidMode:         container.PidMode(o.PID),
		UTSMode:         container.UTSMode(o.UTS),
		UsernsMode:      container.UsernsMode(o.Userns),
		CgroupnsMode:    container.CgroupnsMode(o.Cgroupns),
		CapAdd:          o.CapAdd,
		CapDrop:         o.CapDrop,
		GroupAdd:        o.GroupAdd,
		ReadonlyRootfs:  o.ReadOnly,
		VolumeDriver:    o.VolumeDriver,
		Isolation:       container.Isolation(o.Isolation),
		Runtime:         o.Runtime,
		Resources:       res,
		DNSSearch:       o.DNSSearch,
		DNSOptions:      append(append([]string(nil), o.DNSOption...), o.DNSOpt...),
	}
	if o.Init {
		host.Init = &o.Init
	}
	if err := checkNamespaces(host); err != nil {
		return nil, err
	}
	if host.ShmSize, err = ramFlag("--shm-size", o.ShmSize); err != nil {
		return nil, err
	}
	if host.RestartPolicy, err = parseRestartPolicy(o.Restart); err != nil {
		return nil, err
	}
	if o.Rm && !host.RestartPolicy.IsNone() {
		return nil, errors.New("conflicting options: cannot specify both --restart and --rm")
	}
	if host.SecurityOpt, host.MaskedPaths, host.ReadonlyPaths, err = parseSecurityOpts(o.SecurityOpt); err != nil {
		return nil, err
	}
	if host.LogConfig, err = o.logConfig(); err != nil {
		return nil, err
	}
	if host.Sysctls, err = parseSysctls(o.Sysctl); err != nil {
		return nil, err
	}
	if host.StorageOpt, err = parseStorageOpts(o.StorageOpt); err != nil {
		return nil, err
	}
	if len(o.Annotation) > 0 {
		host.Annotations = kvMap(o.Annotation)
	}
	if host.DNS, err = parseIPs("--dns", o.DNS); err != nil {
		return nil, err
	}
	if host.ExtraHosts, err = parseExtraHosts(o.AddHost); err != nil {
		return nil, err
	}
	if host.Binds, config.Volumes, err = parseVolumes(o.Volume); err != nil {
		return nil, err
	}
	if host.Mounts, err = parseMounts(o.Mount); err != nil {
		return nil, err
	}
	host.Tmpfs = parseTmpfs(o.Tmpfs)
	if config.ExposedPorts, host.PortBindings, err = parsePorts(o.Publish, o.Expose); err != nil {
		return nil, err
	}
	if host.Devices, err = parseDevices(o.Device); err != nil {
		return nil, err
	}
	netCfg, err := o.networking(host)
	if err != nil {
		return nil, err
	}
	if config.OpenStdin && config.AttachStdin {
		config.StdinOnce = true
	}
	return &containerConfig{Config: config, HostConfig: host, NetworkingConfig: netCfg}, nil
}

// attachStreams sets which streams a foreground run attaches: -a picks
// them, -i adds stdin, and no -a means stdout and stderr.
func (o *containerOptions) attachStreams(c *container.Config) error {
	for _, s := range o.Attach {
		switch strings.ToLower(s) {
		case "stdin":
			c.AttachStdin = true
		case "stdout":
			c.AttachStdout = true
		case "stderr":
			c.AttachStderr = true
		default:
			return &flagValueError{"-a, --attach", s, errors.New("valid streams are STDIN, STDOUT and STDERR")}
		}
	}
	if o.Interactive {
		c.AttachStdin = true
	}
	if len(o.Attach) == 0 {
		c.AttachStdout, c.AttachStderr = true, true
	}
	return nil
}

// environment is --env-file's variables then -e's; a name without a value
// takes the CLI's own, as docker does.
func (o *containerOptions) environment(lookup func(string) (string, bool)) ([]string, error) {
	var env []string
	for _, f := range o.EnvFile {
		vars, err := readKVFile(f, lookup)
		if err != nil {
			return nil, fmt.Errorf("--env-file: %w", err)
		}
		env = append(env, vars...)
	}
	for _, e := range o.Env {
		k, _, hasValue := strings.Cut(e, "=")
		if k == "" {
			return nil, &flagValueError{"-e, --env", e, errors.New("invalid environment variable: " + e)}
		}
		if !hasValue {
			if v, ok := lookup(k); ok {
				e = k + "=" + v
			}
		}
		env = append(env, e)
	}
	return env, nil
}

func (o *containerOptions) labels() (map[string]string, error) {
	var all []string
	for _, f := range o.LabelFile {
		l, err := readKVFile(f, nil)
		if err != nil {
			return nil, fmt.Errorf("--label-file: %w", err)
		}
		all = append(all, l...)
	}
	for _, l := range o.Label {
		key, _, _ := strings.Cut(l, "=")
		key = strings.TrimLeft(key, " \t")
		switch {
		case key == "":
			return nil, &flagValueError{"-l, --label", l, fmt.Errorf("invalid label '%s': empty name", l)}
		case strings.ContainsAny(key, " \t"):
			return nil, &flagValueError{"-l, --label", l, fmt.Errorf("label '%s' contains whitespaces", key)}
		}
		all = append(all, l)
	}
	return kvMap(all), nil
}

func (o *containerOptions) healthcheck() (*container.HealthConfig, error) {
	set := o.HealthCmd != "" || o.HealthInterval != 0 || o.HealthTimeout != 0 ||
		o.HealthStartPeriod != 0 || o.HealthRetries != 0 || o.HealthStartInterval != 0
	if o.NoHealthcheck {
		if set {
			return nil, errors.New("--no-healthcheck conflicts with --health-* options")
		}
		return &container.HealthConfig{Test: []string{"NONE"}}, nil
	}
	if !set {
		return nil, nil
	}
	for name, d := range map[string]int64{
		"--health-interval": int64(o.HealthInterval), "--health-timeout": int64(o.HealthTimeout),
		"--health-retries": int64(o.HealthRetries), "--health-start-period": int64(o.HealthStartPeriod),
		"--health-start-interval": int64(o.HealthStartInterval),
	} {
		if d < 0 {
			return nil, fmt.Errorf("%s cannot be negative", name)
		}
	}
	h := &container.HealthConfig{
		Interval: o.HealthInterval, Timeout: o.HealthTimeout, StartPeriod: o.HealthStartPeriod,
		StartInterval: o.HealthStartInterval, Retries: o.HealthRetries,
	}
	if o.HealthCmd != "" {
		h.Test = []string{"CMD-SHELL", o.HealthCmd}
	}
	return h, nil
}

// resources reads the cgroup limits.
func (o *containerOptions) resources() (container.Resources, error) {
	r := container.Resources{
		CgroupParent: o.CgroupParent,
		CPUShares:    o.CPUShares,
		CPUPeriod:    o.CPUPeriod,
		CPUQuota:     o.CPUQuota,
		CpusetCpus:   o.CpusetCpus,
		CpusetMems:   o.CpusetMems,
		BlkioWeight:  o.BlkioWeight,
		PidsLimit:    &o.PidsLimit,
	}
	if o.MemorySwappiness != -1 && (o.MemorySwappiness < 0 || o.MemorySwappiness > 100) {
		return r, fmt.Errorf("invalid value: %d. Valid memory swappiness range is 0-100", o.MemorySwappiness)
	}
	r.MemorySwappiness = &o.MemorySwappiness
	r.OomKillDisable = &o.OomKillDisable
	if err := parseLimits(&r, o.Memory, o.MemoryReservation, o.MemorySwap, o.CPUs); err != nil {
		return r, err
	}
	var err error
	r.Ulimits, err = parseUlimits(o.Ulimit)
	return r, err
}

// parseLimits reads the memory and CPU limits that run, create and update
// share ("" leaves a limit 0; --memory-swap takes -1 for unlimited).
func parseLimits(r *container.Resources, memory, reservation, swap, cpus string) error {
	var err error
	if r.Memory, err = ramFlag("-m, --memory", memory); err != nil {
		return err
	}
	if r.MemoryReservation, err = ramFlag("--memory-reservation", reservation); err != nil {
		return err
	}
	if swap == "-1" {
		r.MemorySwap = -1
	} else if r.MemorySwap, err = ramFlag("--memory-swap", swap); err != nil {
		return err
	}
	r.NanoCPUs, err = cpusFlag("--cpus", cpus)
	return err
}

// ramFlag parses a size flag ("512m", "1g"); "" is 0.
func ramFlag(flag, v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := units.RAMInBytes(v)
	if err != nil {
		return 0, &flagValueError{flag, v, err}
	}
	return n, nil
}

// cpusFlag parses --cpus ("1.5") into nano CPUs; "" is 0.
func cpusFlag(flag, v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := parseCPUs(v)
	if err != nil {
		return 0, &flagValueError{flag, v, err}
	}
	return n, nil
}

// parseCPUs reads a decimal number of CPUs exactly, as docker does.
func parseCPUs(v string) (int64, error) {
	cpu, ok := new(big.Rat).SetString(v)
	if !ok {
		return 0, fmt.Errorf("failed to parse %v as a rational number", v)
	}
	nano := cpu.Mul(cpu, big.NewRat(1e9, 1))
	if !nano.IsInt() {
		return 0, errors.New("value is too precise")
	}
	return nano.Num().Int64(), nil
}

// parseUlimits reads name=soft[:hard]; a later flag for the same name
// wins, and the list is sorted by name as docker sends it.
func parseUlimits(values []string) ([]*container.Ulimit, error) {
	byName := map[string]*container.Ulimit{}
	var names []string
	for _, v := range values {
		l, err := units.ParseUlimit(v)
		if err != nil {
			return nil, &flagValueError{"--ulimit", v, err}
		}
		if _, ok := byName[l.Name]; !ok {
			names = append(names, l.Name)
		}
		byName[l.Name] = l
	}
	if len(names) == 0 {
		return nil, nil
	}
	slices.Sort(names)
	out := make([]*container.Ulimit, 0, len(names))
	for _, n := range names {
		out = append(out, byName[n])
	}
	return out, nil
}

// checkNamespaces checks the namespace modes as docker does before sending.
func checkNamespaces(h *container.HostConfig) error {
	switch {
	case !h.PidMode.Valid():
		return errors.New("--pid: invalid PID mode")
	case !h.UTSMode.Valid():
		return errors.New("--uts: invalid UTS mode")
	case !h.UsernsMode.Valid():
		return errors.New("--userns: invalid USER mode")
	case !h.CgroupnsMode.Valid():
		return errors.New("--cgroupns: invalid CGROUP mode")
	}
	return nil
}

// parseRestartPolicy reads no|always|unless-stopped|on-failure[:N]; the
// daemon validates the name.
func parseRestartPolicy(s string) (container.RestartPolicy, error) {
	if s == "" {
		return container.RestartPolicy{}, nil
	}
	name, count, ok := strings.Cut(s, ":")
	if ok && name == "" {
		return container.RestartPolicy{}, errors.New("invalid restart policy format: no policy provided before colon")
	}
	p := container.RestartPolicy{Name: container.RestartPolicyMode(name)}
	if count != "" {
		n, err := strconv.Atoi(count)
		if err != nil {
			return container.RestartPolicy{}, errors.New("invalid restart policy format: maximum retry count must be an integer")
		}
		p.MaximumRetryCount = n
	}
	return p, nil
}

func (o *containerOptions) logConfig() (container.LogConfig, error) {
	lc := container.LogConfig{Type: o.LogDriver, Config: kvMap(o.LogOpt)}
	if o.LogDriver == "none" && len(o.LogOpt) > 0 {
		return lc, fmt.Errorf("invalid logging opts for driver %s", o.LogDriver)
	}
	return lc, nil
}

// namespacedSysctls are the sysctls docker lets a container set outside
// the net.* and fs.mqueue.* trees.
var namespacedSysctls = map[string]bool{
	"kernel.msgmax": true, "kernel.msgmnb": true, "kernel.msgmni": true, "kernel.sem": true,
	"kernel.shmall": true, "kernel.shmmax": true, "kernel.shmmni": true, "kernel.shm_rmid_forced": true,
}

func parseSysctls(values []string) (map[string]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, v := range values {
		k, val, ok := strings.Cut(v, "=")
		allowed := ok && k != "" &&
			(namespacedSysctls[k] || strings.HasPrefix(k, "net.") || strings.HasPrefix(k, "fs.mqueue."))
		if !allowed {
			return nil, &flagValueError{"--sysctl", v, fmt.Errorf("sysctl '%s' is not allowed", v)}
		}
		m[k] = val
	}
	return m, nil
}

func parseStorageOpts(values []string) (map[string]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, v := range values {
		k, val, ok := strings.Cut(v, "=")
		if !ok {
			return nil, errors.New("invalid storage option")
		}
		m[k] = val
	}
	return m, nil
}

func parseIPs(flag string, values []string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, v := range values {
		a, err := netip.ParseAddr(strings.TrimSpace(v))
		if err != nil {
			return nil, &flagValueError{flag, v, fmt.Errorf("IP address is not correctly formatted: %s", v)}
		}
		out = append(out, a)
	}
	return out, nil
}

// parseExtraHosts reads host:ip or host=ip (an IPv6 address may be in
// brackets) and sends host:ip, the only form the daemon reads.
func parseExtraHosts(values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		k, ip, ok := strings.Cut(v, "=")
		if !ok {
			k, ip, ok = strings.Cut(v, ":")
		}
		if !ok || k == "" || strings.Contains(k, ":") {
			return nil, &flagValueError{"--add-host", v, fmt.Errorf("bad format for add-host: %q", v)}
		}
		if ip != "host-gateway" {
			if len(ip) > 2 && ip[0] == '[' && ip[len(ip)-1] == ']' {
				ip = ip[1 : len(ip)-1]
			}
			if net.ParseIP(ip) == nil {
				return nil, &flagValueError{"--add-host", v, fmt.Errorf("invalid IP address in add-host: %q", ip)}
			}
		}
		out = append(out, k+":"+ip)
	}
	return out, nil
}

// parseVolumes splits -v specs: SRC:DST[:OPTS] are binds (named volumes
// included; the daemon tells them apart), a lone path is an anonymous
// volume. A source starting with "." is made absolute, as docker does.
func parseVolumes(values []string) (binds []string, anon map[string]struct{}, _ error) {
	for _, v := range values {
		parts := strings.Split(v, ":")
		switch {
		case v == "" || slices.Contains(parts, ""):
			return nil, nil, fmt.Errorf("invalid spec: %s: empty section between colons", v)
		case len(parts) > 3:
			return nil, nil, fmt.Errorf("invalid spec: %s: too many colons", v)
		case len(parts) == 1:
			if anon == nil {
				anon = map[string]struct{}{}
			}
			anon[v] = struct{}{}
			continue
		}
		if src := parts[0]; !filepath.IsAbs(src) && strings.HasPrefix(src, ".") {
			if abs, err := filepath.Abs(src); err == nil {
				parts[0] = abs
			}
		}
		binds = append(binds, strings.Join(parts, ":"))
	}
	return binds, anon, nil
}

// parseTmpfs reads PATH[:OPTIONS].
func parseTmpfs(values []string) map[string]string {
	if len(values) == 0 {
		return nil
	}
	m := map[string]string{}
	for _, v := range values {
		k, opts, _ := strings.Cut(v, ":")
		m[k] = opts
	}
	return m
}

// parseDevices reads HOST[:CONTAINER][:PERMISSIONS].
func parseDevices(values []string) ([]container.DeviceMapping, error) {
	var out []container.DeviceMapping
	for _, v := range values {
		parts := strings.Split(v, ":")
		if len(parts) > 3 || parts[0] == "" {
			return nil, fmt.Errorf("invalid device specification: %s", v)
		}
		d := container.DeviceMapping{PathOnHost: parts[0], PathInContainer: parts[0], CgroupPermissions: "rwm"}
		switch len(parts) {
		case 3:
			d.PathInContainer, d.CgroupPermissions = parts[1], parts[2]
		case 2:
			if isDeviceMode(parts[1]) {
				d.CgroupPermissions = parts[1]
			} else {
				d.PathInContainer = parts[1]
			}
		}
		if !isDeviceMode(d.CgroupPermissions) {
			return nil, fmt.Errorf("bad mode specified: %s", d.CgroupPermissions)
		}
		if !strings.HasPrefix(d.PathInContainer, "/") {
			return nil, fmt.Errorf("%s is not an absolute path", d.PathInContainer)
		}
		out = append(out, d)
	}
	return out, nil
}

func isDeviceMode(m string) bool {
	if m == "" {
		return false
	}
	seen := map[rune]bool{}
	for _, c := range m {
		if (c != 'r' && c != 'w' && c != 'm') || seen[c] {
			return false
		}
		seen[c] = true
	}
	return true
}
