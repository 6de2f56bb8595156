package seccomp

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// reference decides a call the slow, obvious way, straight from the profile:
// what the compiled filter must agree with.
func reference(s *specs.LinuxSeccomp, abis []abi, c call) uint32 {
	defRet, _ := retValue(s.DefaultAction, s.DefaultErrnoRet)
	bad := defRet
	if permissive(defRet) {
		bad = retKillProcess
	}
	i := slices.IndexFunc(abis, func(a abi) bool { return a.auditArch == c.arch })
	if i < 0 {
		return bad
	}
	ab := abis[i]
	if ab.x32Bit != 0 && c.nr&ab.x32Bit != 0 {
		return bad
	}
	var maxNr uint32
	named := false
	for _, sc := range s.Syscalls {
		for _, n := range sc.Names {
			if nr, ok := lookup(ab.table, n); ok {
				named = true
				maxNr = max(maxNr, nr)
			}
		}
	}
	if named && !permissive(defRet) && c.nr > maxNr {
		return retErrno | uint32(unix.ENOSYS)
	}
	for _, sc := range s.Syscalls {
		if !slices.ContainsFunc(sc.Names, func(n string) bool {
			nr, ok := lookup(ab.table, n)
			return ok && nr == c.nr
		}) {
			continue
		}
		ret, _ := retValue(sc.Action, sc.ErrnoRet)
		if ret == defRet {
			continue
		}
		idx := map[uint]int{}
		for _, a := range sc.Args {
			idx[a.Index]++
		}
		repeated := false
		for _, n := range idx {
			repeated = repeated || n > 1
		}
		match := !repeated
		for _, a := range sc.Args {
			ok := argMatches(a, c.args[a.Index], ab.bits32)
			if repeated {
				match = match || ok
			} else {
				match = match && ok
			}
		}
		if match {
			return ret
		}
	}
	return defRet
}

func argMatches(a specs.LinuxSeccompArg, v uint64, bits32 bool) bool {
	val, two := a.Value, a.ValueTwo
	if bits32 {
		v, val, two = uint64(uint32(v)), uint64(uint32(val)), uint64(uint32(two))
	}
	switch a.Op {
	case specs.OpEqualTo:
		return v == val
	case specs.OpNotEqual:
		return v != val
	case specs.OpGreaterThan:
		return v > val
	case specs.OpGreaterEqual:
		return v >= val
	case specs.OpLessThan:
		return v < val
	case specs.OpLessEqual:
		return v <= val
	case specs.OpMaskedEqual:
		return v&val == two
	}
	panic(a.Op)
}

var (
	allOps = []specs.LinuxSeccompOperator{specs.OpEqualTo, specs.OpNotEqual, specs.OpGreaterThan,
		specs.OpGreaterEqual, specs.OpLessThan, specs.OpLessEqual, specs.OpMaskedEqual}
	allActs = []specs.LinuxSeccompAction{specs.ActAllow, specs.ActErrno, specs.ActKill, specs.ActKillProcess,
		specs.ActTrap, specs.ActTrace, specs.ActLog, specs.ActKillThread}
)

// interesting are argument values around word boundaries.
var interesting = []uint64{0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 32, 1<<32 | 1, 0xffffffff00000000, ^uint64(0), 38, 40}

func randValue(r *rand.Rand) uint64 {
	if r.IntN(2) == 0 {
		return interesting[r.IntN(len(interesting))]
	}
	return uint64(r.IntN(4))<<32 | uint64(r.IntN(4))
}

// randomProfile makes a profile of n rules over the amd64 table's syscalls.
func randomProfile(r *rand.Rand, n int) *specs.LinuxSeccomp {
	s := &specs.LinuxSeccomp{
		DefaultAction: allActs[r.IntN(len(allActs))],
		Architectures: []specs.Arch{specs.ArchX86_64, specs.ArchX86},
	}
	if s.DefaultAction == specs.ActErrno && r.IntN(2) == 0 {
		e := uint(r.IntN(100))
		s.DefaultErrnoRet = &e
	}
	for range n {
		sc := specs.LinuxSyscall{Action: allActs[r.IntN(len(allActs))]}
		for range 1 + r.IntN(3) {
			sc.Names = append(sc.Names, sysnumsX86_64[r.IntN(len(sysnumsX86_64))].name)
		}
		if sc.Action == specs.ActErrno || sc.Action == specs.ActTrace {
			e := uint(r.IntN(200))
			sc.ErrnoRet = &e
		}
		for range r.IntN(4) {
			sc.Args = append(sc.Args, specs.LinuxSeccompArg{
				Index: uint(r.IntN(3)), Value: randValue(r), ValueTwo: randValue(r), Op: allOps[r.IntN(len(allOps))],
			})
		}
		s.Syscalls = append(s.Syscalls, sc)
	}
	return s
}

// TestCompileMatchesReference compiles random profiles, large enough to
// need long jumps, and checks the filter against the reference on calls
// that hit the profile's syscalls with boundary argument values.
func TestCompileMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	maxLen := 0
	defer func() { t.Logf("longest filter: %d instructions", maxLen) }()
	for iter := range 200 {
		s := randomProfile(r, 1+r.IntN(120))
		prog, err := compile(s, "amd64")
		if err != nil {
			t.Fatalf("profile %d: %v", iter, err)
		}
		maxLen = max(maxLen, len(prog))
		v := newVM(t, prog)
		abis, _ := abisFor("amd64", s.Architectures)
		for range 300 {
			c := call{arch: x86_64}
			switch r.IntN(10) {
			case 0:
				c.arch = i386
			case 1:
				c.arch = aarch64
			}
			sc := s.Syscalls[r.IntN(len(s.Syscalls))]
			tbl := sysnumsX86_64[:]
			if c.arch == i386 {
				tbl = sysnumsX86[:]
			}
			if nr, ok := lookup(tbl, sc.Names[r.IntN(len(sc.Names))]); ok && r.IntN(8) != 0 {
				c.nr = nr
			} else {
				c.nr = uint32(r.IntN(500))
			}
			if r.IntN(20) == 0 {
				c.nr |= 0x40000000
			}
			for i := range c.args {
				c.args[i] = randValue(r)
			}
			if got, want := v.run(t, c), reference(s, abis, c); got != want {
				t.Fatalf("profile %d (%d insns), %+v: got %#x, want %#x\n%s", iter, len(prog), c, got, want, dump(s))
			}
		}
	}
}

func dump(s *specs.LinuxSeccomp) string {
	out := fmt.Sprintf("default %s\n", s.DefaultAction)
	for _, sc := range s.Syscalls {
		out += fmt.Sprintf("%v %s %v\n", sc.Names, sc.Action, sc.Args)
	}
	return out
}

// TestLongJumps pins the trampolines: one syscall far from the shared
// returns, many conditional rules in between.
func TestLongJumps(t *testing.T) {
	s := &specs.LinuxSeccomp{DefaultAction: specs.ActErrno}
	for _, e := range sysnumsX86_64[:300] {
		s.Syscalls = append(s.Syscalls, specs.LinuxSyscall{
			Names: []string{e.name}, Action: specs.ActAllow,
			Args: []specs.LinuxSeccompArg{{Index: 0, Value: uint64(e.nr) + 1<<32, Op: specs.OpEqualTo}},
		})
	}
	prog, err := compile(s, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if len(prog) < 3*maxJump {
		t.Fatalf("program of %d instructions is too short to need long jumps", len(prog))
	}
	v := newVM(t, prog)
	for _, e := range sysnumsX86_64[:300] {
		if got := v.run(t, call{arch: x86_64, nr: e.nr, args: args(uint64(e.nr) + 1<<32)}); got != allow {
			t.Errorf("%s with its arg: %#x", e.name, got)
		}
		if got := v.run(t, call{arch: x86_64, nr: e.nr, args: args(uint64(e.nr))}); got != eperm {
			t.Errorf("%s with another arg: %#x", e.name, got)
		}
	}
}

func TestTooLarge(t *testing.T) {
	s := &specs.LinuxSeccomp{DefaultAction: specs.ActErrno}
	for _, e := range sysnumsX86_64[:] {
		for i := range 5 {
			s.Syscalls = append(s.Syscalls, specs.LinuxSyscall{
				Names: []string{e.name}, Action: specs.ActAllow,
				Args: []specs.LinuxSeccompArg{{Index: 0, Value: uint64(i), Op: specs.OpEqualTo}},
			})
		}
	}
	if _, err := compile(s, "amd64"); err == nil {
		t.Fatal("a profile over BPF_MAXINSNS compiled")
	}
}
