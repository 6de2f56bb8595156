package spec

import (
	"path/filepath"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
)

// maxHostnameLen is HOST_NAME_MAX.
const maxHostnameLen = 64

// Verify checks a container's configuration at create time, as dockerd's
// verifyContainerSettings: what Build would reject is rejected here first
// (errdefs InvalidArgument, or NotImplemented for what skiff lacks), with
// Docker's messages. It returns Docker's warnings for settings that
// cannot be applied and, like dockerd, discards those settings from hc
// (so hc is modified: store it after the call). cfg.WorkingDir is
// cleaned. "no command specified" is Build's check: cfg need not be
// merged with the image yet.
func Verify(hc *container.HostConfig, cfg *container.Config, info cgroups.Info, rootless bool) (warnings []string, err error) {
	if err := verifyConfig(cfg); err != nil {
		return nil, err
	}
	if hc == nil {
		return nil, nil
	}
	if hc.AutoRemove && !hc.RestartPolicy.IsNone() {
		return nil, invalidf("can't create 'AutoRemove' container with restart policy")
	}
	if err := container.ValidateRestartPolicy(hc.RestartPolicy); err != nil {
		return nil, invalidf("%s", err.Error())
	}
	if _, _, err := validateCaps(hc.CapAdd, hc.CapDrop); err != nil {
		return nil, err
	}
	if !hc.Isolation.IsValid() {
		return nil, invalidf("invalid isolation '%s' on linux", hc.Isolation)
	}
	for k := range hc.Annotations {
		if k == "" {
			return nil, invalidf("invalid Annotations: the empty string is not permitted as an annotation key")
		}
	}

	warnings, err = verifyResources(&hc.Resources, info, rootless)
	if err != nil {
		return warnings, err
	}
	if err := checkModes(hc, ""); err != nil {
		return warnings, err
	}
	if hc.ShmSize < 0 {
		return warnings, invalidf("SHM size can not be less than 0")
	}
	if hc.OomScoreAdj < -1000 || hc.OomScoreAdj > 1000 {
		return warnings, invalidf("Invalid value %d, range for oom score adj is [-1000, 1000]", hc.OomScoreAdj)
	}
	if hc.NetworkMode.IsHost() && len(hc.PortBindings) > 0 {
		warnings = append(warnings, "Published ports are discarded when using host network mode")
	}
	for dest, opts := range hc.Tmpfs {
		if err := validateMountDestination(dest); err != nil {
			return warnings, err
		}
		if _, err := tmpfsOptions(opts); err != nil {
			return warnings, err
		}
	}
	sec, err := parseSecurityOpts(hc.SecurityOpt)
	if err != nil {
		return warnings, err
	}
	if rootless && sec.writableCgroups != nil {
		return warnings, invalidf("option WritableCgroups conflicts with user namespaces and rootless mode")
	}
	netPrivate := !hc.NetworkMode.IsHost() || (cfg != nil && cfg.NetworkDisabled)
	privacy := nsPrivacy{ipc: !hc.IpcMode.IsHost(), net: netPrivate, uts: !hc.UTSMode.IsHost()}
	for k := range hc.Sysctls {
		if err := validateSysctl(k, privacy); err != nil {
			return warnings, err
		}
	}
	for _, u := range hc.Ulimits {
		if err := validateUlimit(u); err != nil {
			return warnings, err
		}
	}
	for _, r := range hc.DeviceCgroupRules {
		if _, err := deviceCgroupRule(r); err != nil {
			return warnings, err
		}
	}
	for _, m := range hc.Devices {
		if _, _, err := devicesFromMapping(m); err != nil {
			return warnings, err
		}
	}
	return warnings, nil
}

// verifyConfig is dockerd's validateContainerConfig plus the hostname length.
func verifyConfig(cfg *container.Config) error {
	if cfg == nil {
		return nil
	}
	if len(cfg.Hostname) > maxHostnameLen {
		return invalidf("hostname %q is too long (maximum %d bytes)", cfg.Hostname, maxHostnameLen)
	}
	if cfg.WorkingDir != "" {
		wd := filepath.FromSlash(cfg.WorkingDir)
		if !filepath.IsAbs(wd) {
			return invalidf("the working directory '%s' is invalid, it needs to be an absolute path", cfg.WorkingDir)
		}
		cfg.WorkingDir = filepath.Clean(wd)
	}
	for _, e := range cfg.Env {
		if k, _, _ := strings.Cut(e, "="); k == "" {
			return invalidf("invalid environment variable: %s", e)
		}
	}
	if h := cfg.Healthcheck; h != nil {
		switch {
		case h.Interval != 0 && h.Interval < container.MinimumDuration:
			return invalidf("Interval in Healthcheck cannot be less than %s", container.MinimumDuration)
		case h.Timeout != 0 && h.Timeout < container.MinimumDuration:
			return invalidf("Timeout in Healthcheck cannot be less than %s", container.MinimumDuration)
		case h.Retries < 0:
			return invalidf("Retries in Healthcheck cannot be negative")
		case h.StartPeriod != 0 && h.StartPeriod < container.MinimumDuration:
			return invalidf("StartPeriod in Healthcheck cannot be less than %s", container.MinimumDuration)
		case h.StartInterval != 0 && h.StartInterval < container.MinimumDuration:
			return invalidf("StartInterval in Healthcheck cannot be less than %s", container.MinimumDuration)
		}
	}
	return nil
}

// Adapt fills the defaults dockerd stores in a new container's HostConfig
// (after Verify): MemorySwap twice Memory, ShmSize 64 MiB, IpcMode
// "private", the cgroup namespace mode of this host, OomKillDisable false.
func Adapt(hc *container.HostConfig, info cgroups.Info) {
	if hc.Memory > 0 && hc.MemorySwap == 0 {
		hc.MemorySwap = hc.Memory * 2
	}
	if hc.ShmSize == 0 {
		hc.ShmSize = DefaultShmSize
	}
	if hc.IpcMode.IsEmpty() {
		hc.IpcMode = container.IPCModePrivate
	}
	if hc.CgroupnsMode.IsEmpty() {
		hc.CgroupnsMode = container.CgroupnsModeHost
		if info.V2 {
			hc.CgroupnsMode = container.CgroupnsModePrivate
		}
	}
	if hc.OomKillDisable == nil {
		f := false
		hc.OomKillDisable = &f
	}
}
