package seccomp

import (
	"fmt"

	"github.com/containerd/errdefs"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// abi is one syscall ABI the compiler can filter: the AUDIT_ARCH_* value the
// kernel puts in seccomp_data.arch and its syscall table.
type abi struct {
	name      specs.Arch
	auditArch uint32
	table     []sysnum
	// bits32 ABIs pass 32-bit arguments: like libseccomp, compare only the
	// low word (the kernel zero-extends them).
	bits32 bool
	// x32Bit is set on x86_64, where x32 syscalls arrive with the same
	// AUDIT_ARCH and this bit set in nr; they get the bad-arch action.
	x32Bit uint32
}

var (
	abiX86_64  = abi{name: specs.ArchX86_64, auditArch: unix.AUDIT_ARCH_X86_64, table: sysnumsX86_64[:], x32Bit: 0x40000000}
	abiX86     = abi{name: specs.ArchX86, auditArch: unix.AUDIT_ARCH_I386, table: sysnumsX86[:], bits32: true}
	abiAarch64 = abi{name: specs.ArchAARCH64, auditArch: unix.AUDIT_ARCH_AARCH64, table: sysnumsAarch64[:]}
	abiARM     = abi{name: specs.ArchARM, auditArch: unix.AUDIT_ARCH_ARM, table: sysnumsARM[:], bits32: true}
)

// platform is what a kernel of one GOARCH can run: its native ABI and the
// compat ABI the compiler also knows.
type platform struct {
	native abi
	compat abi
}

var platforms = map[string]platform{
	"amd64": {native: abiX86_64, compat: abiX86},
	"arm64": {native: abiAarch64, compat: abiARM},
}

// knownArches are the SCMP_ARCH_* names runtime-spec defines; a profile may
// list any of them, and those not runnable here never match at run time.
var knownArches = map[specs.Arch]bool{
	specs.ArchX86: true, specs.ArchX86_64: true, specs.ArchX32: true,
	specs.ArchARM: true, specs.ArchAARCH64: true,
	specs.ArchMIPS: true, specs.ArchMIPS64: true, specs.ArchMIPS64N32: true,
	specs.ArchMIPSEL: true, specs.ArchMIPSEL64: true, specs.ArchMIPSEL64N32: true,
	specs.ArchPPC: true, specs.ArchPPC64: true, specs.ArchPPC64LE: true,
	specs.ArchS390: true, specs.ArchS390X: true, specs.ArchPARISC: true,
	specs.ArchPARISC64: true, specs.ArchRISCV64: true, specs.ArchLOONGARCH64: true,
}

// abisFor returns the ABIs to compile for goarch: the native one always (as
// libseccomp adds it to every filter) and the compat one when listed.
func abisFor(goarch string, arches []specs.Arch) ([]abi, error) {
	p, ok := platforms[goarch]
	if !ok {
		return nil, errdefs.ErrNotImplemented.WithMessage(fmt.Sprintf("seccomp is not supported on %s", goarch))
	}
	abis := []abi{p.native}
	for _, a := range arches {
		if a == p.compat.name {
			abis = append(abis, p.compat)
			break
		}
	}
	return abis, nil
}
