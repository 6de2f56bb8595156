package seccomp

import (
	"errors"
	"fmt"
	"runtime"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Offsets in struct seccomp_data.
const (
	offNr   = 0
	offArch = 4
	offArgs = 16
)

// maxInsns is BPF_MAXINSNS, the kernel's limit on a filter's length.
const maxInsns = 4096

// leafSize is how many syscall numbers a leaf of the search tree tests in
// a row; below it a linear run is shorter than more tree levels.
const leafSize = 4

// Compile compiles a seccomp profile to a classic BPF filter for the running
// architecture (linux/amd64 or linux/arm64).
//
// The filter checks seccomp_data.arch: the native ABI is always filtered, its
// compat ABI (i386 on amd64, arm on arm64) when the profile lists it, with its
// own syscall numbers. Other ABIs, and x32 syscalls on amd64, get the default
// action, or KILL_PROCESS when the default lets syscalls run (as libseccomp
// kills on a bad arch). Rules match in profile order, the first match wins;
// syscall names unknown on an ABI are skipped. Syscalls numbered above every
// syscall the profile names get ENOSYS when the default denies, as runc does,
// so programs fall back from syscalls newer than the profile.
func Compile(s *specs.LinuxSeccomp) ([]unix.SockFilter, error) {
	return compile(s, runtime.GOARCH)
}

func compile(s *specs.LinuxSeccomp, goarch string) ([]unix.SockFilter, error) {
	if s == nil {
		return nil, errors.New("no seccomp profile")
	}
	defRet, err := retValue(s.DefaultAction, s.DefaultErrnoRet)
	if err != nil {
		return nil, fmt.Errorf("default action: %w", err)
	}
	for _, a := range s.Architectures {
		if !knownArches[a] {
			return nil, invalid(fmt.Sprintf("unknown seccomp architecture %q", a))
		}
	}
	if _, err := Flags(s); err != nil {
		return nil, err
	}
	abis, err := abisFor(goarch, s.Architectures)
	if err != nil {
		return nil, err
	}
	prs, err := parseRules(s, defRet)
	if err != nil {
		return nil, err
	}
	badArch := defRet
	if permissive(defRet) {
		badArch = retKillProcess
	}

	a := newAsm()
	// The kernel wants a ret last; the default is also the likeliest target.
	a.ret(defRet)
	entries := make([]label, len(abis))
	for i := len(abis) - 1; i >= 0; i-- {
		entries[i] = a.section(abis[i], forABI(prs, abis[i]), defRet, badArch)
	}
	for i := len(abis) - 1; i >= 0; i-- {
		miss := to(a.next())
		if i == len(abis)-1 {
			miss = retTo(badArch)
		}
		a.jump(opJeqK, abis[i].auditArch, to(entries[i]), miss)
	}
	a.stmt(opLdAbsW, offArch)
	prog := a.program()
	if len(prog) > maxInsns {
		return nil, invalid(fmt.Sprintf("seccomp profile too large: %d BPF instructions, the kernel allows %d", len(prog), maxInsns))
	}
	return prog, nil
}

// section emits the filter for one ABI and returns its entry.
func (a *asm) section(ab abi, sr syscallRules, defRet, badArch uint32) label {
	def := retTo(defRet)
	nrs := make([]uint32, 0, len(sr.byNr))
	for nr := range sr.byNr {
		nrs = append(nrs, nr)
	}
	slices.Sort(nrs)
	targets := make(map[uint32]target, len(nrs))
	for i := len(nrs) - 1; i >= 0; i-- {
		targets[nrs[i]] = a.block(sr.byNr[nrs[i]], ab.bits32, def)
	}
	// Each check below is followed by the code emitted before it.
	a.tree(nrs, targets, def)
	if sr.named && !permissive(defRet) {
		a.jump(opJgtK, sr.maxNr, retTo(retErrno|uint32(unix.ENOSYS)), to(a.next()))
	}
	if ab.x32Bit != 0 {
		a.jump(opJsetK, ab.x32Bit, retTo(badArch), to(a.next()))
	}
	return a.stmt(opLdAbsW, offNr)
}

// tree emits a binary search over the sorted syscall numbers in A, jumping
// to each one's target, and to miss for any other number.
func (a *asm) tree(nrs []uint32, targets map[uint32]target, miss target) label {
	if len(nrs) <= leafSize {
		next := miss
		for i := len(nrs) - 1; i >= 0; i-- {
			next = to(a.jump(opJeqK, nrs[i], targets[nrs[i]], next))
		}
		return a.goTo(next)
	}
	mid := len(nrs) / 2
	hi := a.tree(nrs[mid:], targets, miss)
	lo := a.tree(nrs[:mid], targets, miss)
	return a.jump(opJgeK, nrs[mid], to(hi), to(lo))
}

// block emits one syscall's rules, tried in order, and returns its entry.
func (a *asm) block(rules []rule, bits32 bool, def target) target {
	next := def
	for i := len(rules) - 1; i >= 0; i-- {
		r := rules[i]
		t := retTo(r.ret)
		if len(r.args) == 0 {
			next = t
			continue
		}
		for j := len(r.args) - 1; j >= 0; j-- {
			t = to(a.cmp(r.args[j], bits32, t, next))
		}
		next = t
	}
	return next
}
