package seccomp

import "golang.org/x/sys/unix"

// Classic BPF opcodes used by the compiler (linux/bpf_common.h).
const (
	opLdAbsW = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
	opAndK   = unix.BPF_ALU | unix.BPF_AND | unix.BPF_K
	opJa     = unix.BPF_JMP | unix.BPF_JA
	opJeqK   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
	opJgtK   = unix.BPF_JMP | unix.BPF_JGT | unix.BPF_K
	opJgeK   = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
	opJsetK  = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
	opRetK   = unix.BPF_RET | unix.BPF_K
)

// maxJump is the reach of a conditional jump's 8-bit offsets.
const maxJump = 255

// label names an emitted instruction by its distance from the program's end.
type label int

// target is where a jump goes: an emitted label, or "return ret" which the
// assembler places wherever it is in reach.
type target struct {
	label label
	isRet bool
	ret   uint32
}

func to(l label) target       { return target{label: l} }
func retTo(ret uint32) target { return target{isRet: true, ret: ret} }

// asm builds a program back to front. Classic BPF only jumps forward, so
// every target exists before the jump to it is emitted and offsets are
// known at once; a target out of 8-bit reach gets a trampoline (a ret, or a
// ja with its 32-bit offset) placed right after the jump.
type asm struct {
	rev  []unix.SockFilter // rev[0] is the program's last instruction
	rets map[uint32]label  // nearest emitted ret per value
}

func newAsm() *asm { return &asm{rets: map[uint32]label{}} }

// next is the label of the instruction emitted last: what a new instruction
// falls through to.
func (a *asm) next() label { return label(len(a.rev) - 1) }

func (a *asm) emit(code uint16, k uint32, jt, jf uint8) label {
	a.rev = append(a.rev, unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k})
	return a.next()
}

// stmt emits a non-jump instruction, which falls through to next().
func (a *asm) stmt(code uint16, k uint32) label { return a.emit(code, k, 0, 0) }

// ret emits a return and remembers it for later jumps.
func (a *asm) ret(v uint32) label {
	l := a.emit(opRetK, v, 0, 0)
	a.rets[v] = l
	return l
}

// dist is the jump offset from a new instruction to l.
func (a *asm) dist(l label) int { return len(a.rev) - int(l) - 1 }

// resolve returns t's label when a new instruction can reach it.
func (a *asm) resolve(t target) (label, bool) {
	if t.isRet {
		l, ok := a.rets[t.ret]
		return l, ok && a.dist(l) <= maxJump
	}
	return t.label, a.dist(t.label) <= maxJump
}

// bring makes t reachable from the next instruction emitted.
func (a *asm) bring(t target) {
	if t.isRet {
		a.ret(t.ret)
		return
	}
	a.emit(opJa, uint32(a.dist(t.label)), 0, 0)
}

// jump emits a conditional jump to t when true and f when false.
func (a *asm) jump(code uint16, k uint32, t, f target) label {
	for {
		lt, okT := a.resolve(t)
		lf, okF := a.resolve(f)
		switch {
		case okT && okF:
			return a.emit(code, k, uint8(a.dist(lt)), uint8(a.dist(lf)))
		case !okT:
			a.bring(t)
			t = to(a.next())
		default:
			a.bring(f)
			f = to(a.next())
		}
	}
}

// goTo emits an unconditional transfer to t unless t is next anyway, and
// returns the label where control continues.
func (a *asm) goTo(t target) label {
	if l, ok := a.resolve(t); ok && l == a.next() && len(a.rev) > 0 {
		return l
	}
	if t.isRet {
		return a.ret(t.ret)
	}
	return a.emit(opJa, uint32(a.dist(t.label)), 0, 0)
}

// program returns the instructions in execution order.
func (a *asm) program() []unix.SockFilter {
	out := make([]unix.SockFilter, len(a.rev))
	for i, ins := range a.rev {
		out[len(a.rev)-1-i] = ins
	}
	return out
}
