// Package system answers the engine-wide questions: version, info, and
// (through the events broker) the event stream.
package system

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/api/types/system"
	"github.com/skiff-engine/skiff/api/version"
	"github.com/skiff-engine/skiff/internal/hostinfo"
	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
	"github.com/skiff-engine/skiff/rootless"
)

// Options are the engine facts the system backend reports.
type Options struct {
	Version, GitCommit string
	BuildTime          string // RFC 3339, from the commit; "" when unknown
	EngineID           string
	DataRoot           string
	Rootless           bool
	Debug              bool
	Labels             []string
	StateDir           string // RootlessKit's, rootless only
	Images             ImageStats
	// Cgroups is what resource control the engine has (detected once at
	// start; containers use the same facts).
	Cgroups cgroups.Info
}

// ImageStats is the image service's part of GET /info.
type ImageStats interface {
	DriverStatus() (name string, status [][2]string, warning string)
	CountImages() int
}

// Backend implements the system routes' backend (minus events, which the
// engine's broker serves).
type Backend struct {
	opt  Options
	once sync.Once
	host hostFacts
}

// hostFacts do not change while the engine runs; they are read on the
// first request, not at start, to keep start-up fast.
type hostFacts struct {
	kernel, arch, osName, osVersion, hostname string
	memTotal                                  int64
	helpers                                   []hostinfo.Helper
	uidMap, gidMap                            string
}

// New returns a system backend.
func New(opt Options) *Backend { return &Backend{opt: opt} }

func (b *Backend) facts() *hostFacts {
	b.once.Do(func() {
		h := &b.host
		h.kernel, h.arch = hostinfo.Kernel()
		h.osName, h.osVersion = hostinfo.OperatingSystem()
		h.hostname, _ = os.Hostname()
		h.memTotal = hostinfo.MemTotal()
		h.helpers = hostinfo.FindHelpers()
		if u, g, err := rootless.ReadIDMaps(); err == nil {
			h.uidMap, h.gidMap = rootless.FormatIDMap(u), rootless.FormatIDMap(g)
		}
	})
	return &b.host
}

// Version answers GET /version.
func (b *Backend) Version(context.Context) system.VersionResponse {
	h := b.facts()
	engine := system.ComponentVersion{
		Name:    "Engine",
		Version: b.opt.Version,
		Details: map[string]string{
			"ApiVersion":    version.APIVersion,
			"MinAPIVersion": version.MinAPIVersion,
			"GitCommit":     b.opt.GitCommit,
			"GoVersion":     runtime.Version(),
			"Os":            runtime.GOOS,
			"Arch":          runtime.GOARCH,
			"KernelVersion": h.kernel,
			"Experimental":  "false",
			"BuildTime":     b.opt.BuildTime,
		},
	}
	components := []system.ComponentVersion{engine}
	if b.opt.Rootless {
		components = append(components, system.ComponentVersion{
			Name:    "rootlesskit",
			Version: rootlessKitVersion,
			Details: map[string]string{
				"NetworkDriver": rootless.NetworkDriver(),
				"MTU":           strconv.Itoa(rootless.MTU),
				"PortDriver":    "skiff",
				"StateDir":      b.opt.StateDir,
				"IDMapping":     string(rootless.CurrentMapping()),
			},
		})
	}
	for _, hp := range h.helpers {
		v := hp.Path
		if v == "" {
			v = "not found"
		}
		components = append(components, system.ComponentVersion{Name: hp.Name, Version: v})
	}
	return system.VersionResponse{
		Platform:      system.PlatformInfo{Name: "skiff"},
		Version:       b.opt.Version,
		APIVersion:    version.APIVersion,
		MinAPIVersion: version.MinAPIVersion,
		Os:            runtime.GOOS,
		Arch:          runtime.GOARCH,
		Components:    components,
		GitCommit:     b.opt.GitCommit,
		GoVersion:     runtime.Version(),
		KernelVersion: h.kernel,
		BuildTime:     b.opt.BuildTime,
	}
}

// rootlessNetwork describes the rootless egress driver for `docker info`.
func rootlessNetwork() string {
	d := rootless.NetworkDriver()
	if d == rootless.NetworkNone {
		return "none (single-id mapping: containers have no egress)"
	}
	return fmt.Sprintf("%s (MTU %d)", d, rootless.MTU)
}

// rootlessKitVersion is the RootlessKit library version compiled in.
const rootlessKitVersion = "3.3.0"

// Info answers GET /info.
func (b *Backend) Info(context.Context) (*system.Info, error) {
	h := b.facts()
	cg := b.opt.Cgroups
	limits := cg.Delegated
	info := &system.Info{
		ID:                 b.opt.EngineID,
		MemoryLimit:        limits,
		SwapLimit:          limits,
		CPUCfsPeriod:       limits,
		CPUCfsQuota:        limits,
		CPUShares:          limits,
		CPUSet:             limits,
		PidsLimit:          limits,
		IPv4Forwarding:     true,
		Debug:              b.opt.Debug,
		NFd:                countFDs(),
		NGoroutines:        runtime.NumGoroutine(),
		SystemTime:         time.Now().Format(time.RFC3339Nano),
		LoggingDriver:      "json-file",
		CgroupDriver:       cgroupDriver(cg, b.opt.Rootless),
		CgroupVersion:      map[bool]string{true: "2", false: "1"}[cg.V2],
		KernelVersion:      h.kernel,
		OperatingSystem:    h.osName,
		OSVersion:          h.osVersion,
		OSType:             "linux",
		Architecture:       h.arch,
		IndexServerAddress: "https://index.docker.io/v1/",
		NCPU:               runtime.NumCPU(),
		MemTotal:           h.memTotal,
		DockerRootDir:      b.opt.DataRoot,
		Name:               h.hostname,
		Labels:             b.opt.Labels,
		ServerVersion:      b.opt.Version,
		DefaultRuntime:     "skiff",
		Runtimes:           map[string]system.RuntimeWithStatus{"skiff": {Runtime: system.Runtime{Path: "skiff"}}},
		Isolation:          "",
		InitBinary:         "skiff",
		SecurityOptions:    []string{},
		HTTPProxy:          os.Getenv("HTTP_PROXY"),
		HTTPSProxy:         os.Getenv("HTTPS_PROXY"),
		NoProxy:            os.Getenv("NO_PROXY"),
		Warnings:           []string{},
		Swarm:              swarm.Info{LocalNodeState: swarm.LocalNodeStateInactive},
		Plugins:            system.PluginsInfo{Volume: []string{}, Network: []string{}, Log: []string{}},
	}
	if b.opt.Images != nil {
		var warning string
		info.Driver, info.DriverStatus, warning = b.opt.Images.DriverStatus()
		info.Images = b.opt.Images.CountImages()
		if warning != "" {
			info.Warnings = append(info.Warnings, "WARNING: "+warning)
		}
	}
	if b.opt.Rootless {
		info.SecurityOptions = append(info.SecurityOptions, "name=rootless")
		// docker info prints DriverStatus lines; the id mapping decides
		// which file owners image layers can keep, so it belongs here.
		info.DriverStatus = append(info.DriverStatus,
			[2]string{"ID Mapping", string(rootless.CurrentMapping())},
			[2]string{"UID Map", h.uidMap},
			[2]string{"GID Map", h.gidMap},
			// The egress of the containers' networks (dockerd has no
			// field for it; podman shows it in its info too).
			[2]string{"Rootless Network", rootlessNetwork()})
		if rootless.CurrentMapping() == rootless.MappingSingleID {
			info.Warnings = append(info.Warnings, "WARNING: single-id mapping: only your own uid and gid exist in the user namespace; install the uidmap package and add subordinate ranges to /etc/subuid and /etc/subgid for a full mapping")
			info.Warnings = append(info.Warnings, "WARNING: single-id mapping: containers have no egress and no host-gateway (published ports work); install the uidmap package for the rootless network driver")
		}
	}
	if cg.V2 {
		info.SecurityOptions = append(info.SecurityOptions, "name=cgroupns")
	}
	if w := cgroups.InfoWarning(cg, b.opt.Rootless); w != "" {
		info.Warnings = append(info.Warnings, w)
	}
	return info, nil
}

func countFDs() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	return len(entries)
}

// cgroupDriver names how containers' cgroups are managed, as `docker info`
// shows it: "none" when the engine cannot create them (then no limit is
// applied), "systemd" under a systemd user session's delegated cgroup.
func cgroupDriver(cg cgroups.Info, rootless bool) string {
	switch {
	case !cg.Delegated:
		return "none"
	case rootless && strings.Contains(cg.Path, "user@"):
		return "systemd"
	default:
		return "cgroupfs"
	}
}
