package runtime

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/skiff-engine/skiff/internal/runtime/shimapi"
)

// shimConfig is what a shim is told about the task: the engine reads the
// spec for it, so that the shim starts without decoding config.json.
func shimConfig(b Bundle, bundle, sock string) shimapi.Config {
	cfg := shimapi.Config{
		ID: b.ID, Bundle: bundle, Socket: sock, LogPath: b.LogPath,
		Tty: b.Tty, OpenStdin: b.OpenStdin, StdinOnce: b.StdinOnce, Init: b.Init,
		CloneFlags: cloneFlags(b.Spec),
	}
	if p := b.Spec.Process; p != nil && p.ConsoleSize != nil {
		cfg.ConsoleWidth, cfg.ConsoleHeight = uint16(p.ConsoleSize.Width), uint16(p.ConsoleSize.Height)
	}
	return cfg
}

// cloneFlags are the namespaces init is created in: those the spec asks
// for without a path (a path is joined by init itself). A user namespace
// is never created: the engine already is in the one containers use.
func cloneFlags(spec *specs.Spec) uint64 {
	if spec.Linux == nil {
		return 0
	}
	var flags uint64
	for _, ns := range spec.Linux.Namespaces {
		if ns.Path != "" {
			continue
		}
		switch ns.Type {
		case specs.PIDNamespace:
			flags |= unix.CLONE_NEWPID
		case specs.MountNamespace:
			flags |= unix.CLONE_NEWNS
		case specs.UTSNamespace:
			flags |= unix.CLONE_NEWUTS
		case specs.IPCNamespace:
			flags |= unix.CLONE_NEWIPC
		case specs.NetworkNamespace:
			flags |= unix.CLONE_NEWNET
		case specs.CgroupNamespace:
			flags |= unix.CLONE_NEWCGROUP
		}
	}
	return flags
}
