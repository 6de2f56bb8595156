package seccomp

import (
	"strings"
	"testing"

	"github.com/containerd/errdefs"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestForSpec(t *testing.T) {
	if sc, err := ForSpec("unconfined", specWithCaps()); err != nil || sc != nil {
		t.Errorf("unconfined: %v, %v", sc, err)
	}
	if sc, err := ForSpec("{}", specWithCaps()); err != nil || sc != nil {
		t.Errorf("empty profile: %v, %v; Docker runs it unconfined", sc, err)
	}
	// A spec without capabilities must not crash the profile library.
	for _, s := range []*specs.Spec{nil, {}, {Process: &specs.Process{}}} {
		sc, err := ForSpec("", s)
		if err != nil || sc == nil || sc.DefaultAction != specs.ActErrno {
			t.Errorf("default profile for %+v: %v, %v", s, sc, err)
		}
	}
	if sc, err := ForSpec("builtin", specWithCaps()); err != nil || sc == nil || len(sc.Syscalls) == 0 {
		t.Errorf("builtin: %v, %v", sc, err)
	}
	sc := defaultProfile(t, dockerCaps...)
	if !contains(sc.Architectures, specs.ArchX86_64) || !contains(sc.Architectures, specs.ArchX86) {
		t.Errorf("default profile architectures: %v", sc.Architectures)
	}

	custom := `{
		"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]
	}`
	sc, err := ForSpec(custom, specWithCaps())
	if err != nil {
		t.Fatal(err)
	}
	if sc.DefaultAction != specs.ActAllow || len(sc.Syscalls) != 1 || *sc.Syscalls[0].ErrnoRet != 13 {
		t.Fatalf("custom profile: %+v", sc)
	}
	v := compileVM(t, sc, "amd64")
	runChecks(t, v, []check{
		{"mkdir", call{arch: x86_64, nr: 83}, retErrno | 13},
		{"read", call{arch: x86_64, nr: 0}, allow},
		// Not listed, so a denylist must not leak through other ABIs.
		{"i386 mkdir", call{arch: i386, nr: 39}, retKillProcess},
		{"x32 mkdir", call{arch: x86_64, nr: 0x40000000 | 83}, retKillProcess},
		{"new syscall", call{arch: x86_64, nr: 1000}, allow},
	})
}

func contains[T comparable](s []T, v T) bool {
	for _, e := range s {
		if e == v {
			return true
		}
	}
	return false
}

func TestForSpecErrors(t *testing.T) {
	cases := []struct {
		name, profile, msg string
		is                 func(error) bool
	}{
		{"bad json", `{"defaultAction": `, "Decoding seccomp profile failed", errdefs.IsInvalidArgument},
		{"unknown default action", `{"defaultAction": "SCMP_ACT_NOPE"}`, `unknown seccomp action "SCMP_ACT_NOPE"`, errdefs.IsInvalidArgument},
		{"unknown action", `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "ALLOW"}]}`, `unknown seccomp action "ALLOW"`, errdefs.IsInvalidArgument},
		{"no default action", `{"syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}`, "no action", errdefs.IsInvalidArgument},
		{"unknown op", `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_XX"}]}]}`, "unknown operator", errdefs.IsInvalidArgument},
		{"arg index", `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}`, "index 6", errdefs.IsInvalidArgument},
		{"errnoRet on allow", `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}]}`, "errnoRet", errdefs.IsInvalidArgument},
		{"unknown arch", `{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_Z80"]}`, "SCMP_ARCH_Z80", errdefs.IsInvalidArgument},
		{"unknown flag", `{"defaultAction": "SCMP_ACT_ERRNO", "flags": ["SECCOMP_FILTER_FLAG_NOPE"]}`, "SECCOMP_FILTER_FLAG_NOPE", errdefs.IsInvalidArgument},
		{"both name and names", `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "read", "names": ["write"], "action": "SCMP_ACT_ALLOW"}]}`, "both 'name' and 'names'", errdefs.IsInvalidArgument},
		{"notify", `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_NOTIFY"}]}`, "SCMP_ACT_NOTIFY", errdefs.IsNotImplemented},
	}
	for _, c := range cases {
		_, err := ForSpec(c.profile, specWithCaps())
		if err == nil || !c.is(err) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want an error with %q of the right kind", c.name, err, c.msg)
		}
	}
}
