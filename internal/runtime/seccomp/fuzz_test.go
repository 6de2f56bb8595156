package seccomp

import (
	"testing"
)

// FuzzForSpec feeds arbitrary profile JSON through ForSpec and the compiler:
// nothing may panic, and whatever ForSpec accepts must compile to a filter
// the kernel would take.
func FuzzForSpec(f *testing.F) {
	f.Add(``)
	f.Add(`{}`)
	f.Add(`unconfined`)
	f.Add(`{"defaultAction": "SCMP_ACT_ERRNO"}`)
	f.Add(`{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}`)
	f.Add(`{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], "syscalls": [{"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 38, "op": "SCMP_CMP_LT"}, {"index": 1, "value": 4294967296, "valueTwo": 1, "op": "SCMP_CMP_MASKED_EQ"}]}]}`)
	f.Add(`{"defaultAction": "SCMP_ACT_KILL_PROCESS", "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}], "syscalls": [{"name": "read", "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"], "minKernel": "4.8"}}]}`)
	f.Add(`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_TRACE", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}]}]}`)
	spec := specWithCaps(dockerCaps...)
	f.Fuzz(func(t *testing.T, profile string) {
		sc, err := ForSpec(profile, spec)
		if err != nil || sc == nil {
			return
		}
		prog, err := Compile(sc)
		if err != nil {
			t.Fatalf("ForSpec accepted a profile Compile rejects: %v", err)
		}
		if len(prog) == 0 || len(prog) >= maxInsns {
			t.Fatalf("filter of %d instructions", len(prog))
		}
		v := newVM(t, prog)
		for _, arch := range []uint32{x86_64, i386, aarch64} {
			for _, nr := range []uint32{0, 1, 39, 0x40000000, 1000} {
				v.run(t, call{arch: arch, nr: nr, args: args(1, 1<<32)})
			}
		}
	})
}
