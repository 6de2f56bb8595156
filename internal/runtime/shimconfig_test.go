package runtime

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestShimConfigFromSpec(t *testing.T) {
	spec := &specs.Spec{
		Process: &specs.Process{ConsoleSize: &specs.Box{Height: 40, Width: 120}},
		Linux: &specs.Linux{Namespaces: []specs.LinuxNamespace{
			{Type: specs.PIDNamespace},
			{Type: specs.MountNamespace},
			{Type: specs.NetworkNamespace, Path: "/proc/42/ns/net"}, // joined by init
			{Type: specs.UserNamespace},                             // never created here
			{Type: specs.UTSNamespace},
			{Type: specs.IPCNamespace},
			{Type: specs.CgroupNamespace},
		}},
	}
	cfg := shimConfig(Bundle{ID: "c1", Spec: spec, Tty: true}, "/b", "/s")
	want := uint64(unix.CLONE_NEWPID | unix.CLONE_NEWNS | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWCGROUP)
	if cfg.CloneFlags != want || cfg.ConsoleWidth != 120 || cfg.ConsoleHeight != 40 {
		t.Fatalf("flags %#x size %dx%d, want %#x 120x40", cfg.CloneFlags, cfg.ConsoleWidth, cfg.ConsoleHeight, want)
	}
	if cfg.ID != "c1" || cfg.Bundle != "/b" || cfg.Socket != "/s" || !cfg.Tty {
		t.Fatalf("task fields lost: %+v", cfg)
	}
	if cfg := shimConfig(Bundle{Spec: &specs.Spec{}}, "", ""); cfg.CloneFlags != 0 || cfg.ConsoleWidth != 0 {
		t.Fatalf("empty spec: %+v", cfg)
	}
}
