package seccomp

import "sort"

//go:generate go run mksysnum.go

// sysnum is one syscall of an architecture's table.
type sysnum struct {
	name string
	nr   uint32
}

// lookup finds name in a table sorted by name. Tables are static arrays
// rather than maps so that init, which runs this per container start, pays
// nothing to build them.
func lookup(table []sysnum, name string) (uint32, bool) {
	i := sort.Search(len(table), func(i int) bool { return table[i].name >= name })
	if i < len(table) && table[i].name == name {
		return table[i].nr, true
	}
	return 0, false
}
