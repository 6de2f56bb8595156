package initproc

import (
	"testing"
	"unsafe"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestExecFilterDecode(t *testing.T) {
	prog := []unix.SockFilter{{Code: 0x20, K: 4}, {Code: 0x15, Jt: 1, Jf: 2, K: 0xc000003e}, {Code: 0x6, K: 0x7fff0000}}
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&prog[0])), len(prog)*int(unsafe.Sizeof(prog[0])))
	f, err := execFilter(&ExecRequest{Seccomp: raw, SeccompFlags: 2})
	if err != nil {
		t.Fatal(err)
	}
	if f.flags != 2 || len(f.prog) != len(prog) {
		t.Fatalf("decoded %+v", f)
	}
	for i := range prog {
		if f.prog[i] != prog[i] {
			t.Errorf("instruction %d: %+v, want %+v", i, f.prog[i], prog[i])
		}
	}
	if f, err := execFilter(&ExecRequest{}); f != nil || err != nil {
		t.Errorf("no filter: %v %v", f, err)
	}
	if _, err := execFilter(&ExecRequest{Seccomp: raw[:5]}); err == nil {
		t.Error("a filter of 5 bytes was taken")
	}
}

func TestUserGroups(t *testing.T) {
	got := userGroups(specs.User{GID: 5, AdditionalGids: []uint32{7, 5, 7, 9}})
	if len(got) != 3 || got[0] != 5 || got[1] != 7 || got[2] != 9 {
		t.Errorf("userGroups = %v, want [5 7 9]", got)
	}
}

func TestPreparedGidsMapped(t *testing.T) {
	p := &preparedExec{gidMap: []idRange{{inside: 0, size: 1}, {inside: 1, size: 999}}}
	if !p.gidsMapped([]int{0, 5, 999}) || p.gidsMapped([]int{0, 1000}) {
		t.Error("gidsMapped disagrees with the map")
	}
	if (&preparedExec{}).gidsMapped([]int{0}) {
		t.Error("an unreadable map maps nothing")
	}
}
