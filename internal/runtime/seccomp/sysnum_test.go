package seccomp

import (
	"slices"
	"strings"
	"testing"
)

func TestSyscallTables(t *testing.T) {
	cases := []struct {
		table []sysnum
		name  string
		nr    uint32
	}{
		{sysnumsX86_64[:], "read", 0},
		{sysnumsX86_64[:], "write", 1},
		{sysnumsX86_64[:], "keyctl", 250},
		{sysnumsX86_64[:], "unshare", 272},
		{sysnumsX86_64[:], "clone3", 435},
		{sysnumsX86_64[:], "_sysctl", 156},
		{sysnumsAarch64[:], "keyctl", 219},
		{sysnumsAarch64[:], "unshare", 97},
		{sysnumsAarch64[:], "read", 63},
		{sysnumsX86[:], "read", 3},
		{sysnumsX86[:], "socketcall", 102},
		{sysnumsX86[:], "_llseek", 140},
		{sysnumsARM[:], "arm_fadvise64_64", 270},
	}
	for _, c := range cases {
		nr, ok := lookup(c.table, c.name)
		if !ok || nr != c.nr {
			t.Errorf("%s = %d (found %v), want %d", c.name, nr, ok, c.nr)
		}
	}
	for _, missing := range []string{"open", "", "zzz"} {
		if nr, ok := lookup(sysnumsAarch64[:], missing); ok {
			t.Errorf("arm64 has %q = %d, want none", missing, nr)
		}
	}
	for _, table := range [][]sysnum{sysnumsX86_64[:], sysnumsX86[:], sysnumsAarch64[:], sysnumsARM[:]} {
		if !slices.IsSortedFunc(table, func(a, b sysnum) int { return strings.Compare(a.name, b.name) }) {
			t.Error("table not sorted by name")
		}
	}
}
