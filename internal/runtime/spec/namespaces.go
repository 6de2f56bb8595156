package spec

import (
	"github.com/moby/moby/api/types/container"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/skiff-engine/skiff/internal/runtime/cgroups"
)

// checkModes validates the namespace modes with Docker's messages, and
// refuses joining another container's namespaces, which skiff does not
// do yet. A network namespace to join (netNSPath) makes
// --network container:<id> acceptable: the engine resolved it.
func checkModes(hc *container.HostConfig, netNSPath string) error {
	if !hc.IpcMode.Valid() {
		return invalidf("invalid IPC mode: %v", hc.IpcMode)
	}
	if !hc.PidMode.Valid() {
		return invalidf("invalid PID mode: %v", hc.PidMode)
	}
	if !hc.UTSMode.Valid() {
		return invalidf("invalid UTS mode: %v", hc.UTSMode)
	}
	if !hc.CgroupnsMode.Valid() {
		return invalidf("invalid cgroup namespace mode: %v", hc.CgroupnsMode)
	}
	if !hc.UsernsMode.Valid() {
		return invalidf("invalid USER mode: %v", hc.UsernsMode)
	}
	if hc.IpcMode.IsContainer() {
		return notSupportedf("--ipc %s is not supported yet", hc.IpcMode)
	}
	if hc.PidMode.IsContainer() {
		return notSupportedf("--pid %s is not supported yet", hc.PidMode)
	}
	if hc.NetworkMode.IsContainer() && netNSPath == "" {
		return notSupportedf("--network %s is not supported yet", hc.NetworkMode)
	}
	return nil
}

// privateCgroupNS applies Docker's default: a private cgroup namespace on
// cgroup v2 hosts, the host's on v1 (and for privileged containers there).
func privateCgroupNS(mode container.CgroupnsMode, info cgroups.Info) bool {
	if mode.IsEmpty() {
		return info.V2
	}
	return mode.IsPrivate()
}

// namespaces lists the namespaces the container gets, in Docker's order:
// mount, network, uts, pid, ipc, cgroup. A namespace absent from the list
// is shared with the engine ("host").
func namespaces(hc *container.HostConfig, cfg *container.Config, netNSPath string, info cgroups.Info) []specs.LinuxNamespace {
	ns := []specs.LinuxNamespace{{Type: specs.MountNamespace}}
	switch {
	case netNSPath != "":
		ns = append(ns, specs.LinuxNamespace{Type: specs.NetworkNamespace, Path: netNSPath})
	case hc.NetworkMode.IsHost() && !cfg.NetworkDisabled:
	default:
		ns = append(ns, specs.LinuxNamespace{Type: specs.NetworkNamespace})
	}
	if !hc.UTSMode.IsHost() {
		ns = append(ns, specs.LinuxNamespace{Type: specs.UTSNamespace})
	}
	if !hc.PidMode.IsHost() {
		ns = append(ns, specs.LinuxNamespace{Type: specs.PIDNamespace})
	}
	if !hc.IpcMode.IsHost() {
		ns = append(ns, specs.LinuxNamespace{Type: specs.IPCNamespace})
	}
	if privateCgroupNS(hc.CgroupnsMode, info) {
		ns = append(ns, specs.LinuxNamespace{Type: specs.CgroupNamespace})
	}
	return ns
}
