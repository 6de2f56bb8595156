package seccomp

import (
	"encoding/binary"
	"testing"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// call is one syscall as the filter sees it.
type call struct {
	arch uint32
	nr   uint32
	args [6]uint64
}

// vm runs a compiled filter in x/net/bpf's interpreter.
type vm struct{ *bpf.VM }

func newVM(t testing.TB, prog []unix.SockFilter) vm {
	t.Helper()
	raw := make([]bpf.RawInstruction, len(prog))
	for i, ins := range prog {
		raw[i] = bpf.RawInstruction{Op: ins.Code, Jt: ins.Jt, Jf: ins.Jf, K: ins.K}
	}
	insns, ok := bpf.Disassemble(raw)
	if !ok {
		t.Fatal("filter does not disassemble")
	}
	v, err := bpf.NewVM(insns)
	if err != nil {
		t.Fatalf("filter rejected by the BPF VM: %v", err)
	}
	return vm{v}
}

// run returns the filter's SECCOMP_RET_* value for c. The VM loads words
// big-endian; the kernel loads them native (little-endian): so each 32-bit
// word goes at its kernel offset, written big-endian.
func (v vm) run(t testing.TB, c call) uint32 {
	t.Helper()
	data := make([]byte, 64)
	binary.BigEndian.PutUint32(data[0:], c.nr)
	binary.BigEndian.PutUint32(data[4:], c.arch)
	for i, a := range c.args {
		binary.BigEndian.PutUint32(data[16+8*i:], uint32(a))
		binary.BigEndian.PutUint32(data[16+8*i+4:], uint32(a>>32))
	}
	r, err := v.Run(data)
	if err != nil {
		t.Fatalf("running filter: %v", err)
	}
	return uint32(r)
}
