package seccomp

import specs "github.com/opencontainers/runtime-spec/specs-go"

// cmp emits a test of one argument condition and returns its entry: on to t
// when it holds, f when not. Arguments are 64-bit and BPF words 32-bit, so
// the high word decides unless equal, then the low word does; 32-bit ABIs
// compare the low word only. Both words are little-endian in seccomp_data on
// every supported ABI.
func (a *asm) cmp(arg specs.LinuxSeccompArg, bits32 bool, t, f target) label {
	offLo := uint32(offArgs + 8*arg.Index)
	offHi := offLo + 4
	lo, hi := uint32(arg.Value), uint32(arg.Value>>32)
	lo2, hi2 := uint32(arg.ValueTwo), uint32(arg.ValueTwo>>32)

	// The low word's test; for ordering ops, gt/lt say where "greater" and
	// "less" go in the high word.
	var gt, lt target
	switch arg.Op {
	case specs.OpEqualTo:
		a.jump(opJeqK, lo, t, f)
		lt = f
	case specs.OpNotEqual:
		a.jump(opJeqK, lo, f, t)
		lt = t
	case specs.OpGreaterThan:
		a.jump(opJgtK, lo, t, f)
		gt, lt = t, f
	case specs.OpGreaterEqual:
		a.jump(opJgeK, lo, t, f)
		gt, lt = t, f
	case specs.OpLessThan:
		a.jump(opJgeK, lo, f, t)
		gt, lt = f, t
	case specs.OpLessEqual:
		a.jump(opJgtK, lo, f, t)
		gt, lt = f, t
	case specs.OpMaskedEqual:
		// Value is the mask, ValueTwo the datum (runc's convention).
		a.jump(opJeqK, lo2, t, f)
		a.stmt(opAndK, lo)
		lt = f
	}
	low := a.stmt(opLdAbsW, offLo)
	if bits32 {
		return low
	}

	switch arg.Op {
	case specs.OpMaskedEqual:
		if hi == 0 && hi2 == 0 {
			return low // the high word always matches
		}
		a.jump(opJeqK, hi2, to(low), lt)
		a.stmt(opAndK, hi)
	case specs.OpEqualTo, specs.OpNotEqual:
		a.jump(opJeqK, hi, to(low), lt)
	default:
		eq := a.jump(opJeqK, hi, to(low), lt)
		a.jump(opJgtK, hi, gt, to(eq))
	}
	return a.stmt(opLdAbsW, offHi)
}
