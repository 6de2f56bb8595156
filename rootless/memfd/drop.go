package memfd

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// dropEmbedded unmaps the pages of data from this process with
// MADV_DONTNEED. That is only harmless for a read-only mapping of a
// file, where a later read faults the same bytes back in from the file;
// on the heap it would zero them. So it acts only when every page lies in
// one read-only, file-backed mapping (a go:embed string is in the
// binary's read-only data) and does nothing otherwise.
func dropEmbedded(data string) {
	if len(data) == 0 {
		return
	}
	page := uintptr(os.Getpagesize())
	base := unsafePointer(data)
	start := uintptr(base)
	end := start + uintptr(len(data))
	// Whole pages only: the partial ones at either end may hold other data.
	first, last := (start+page-1)&^(page-1), end&^(page-1)
	if first >= last || !readOnlyFileMapping(first, last) {
		return
	}
	mem := unsafe.Slice((*byte)(unsafe.Add(base, first-start)), last-first)
	unix.Madvise(mem, unix.MADV_DONTNEED) // advice: a failure only keeps the pages
}

// readOnlyFileMapping reports whether [start, end) lies inside a single
// mapping of /proc/self/maps that is backed by a file and not writable.
func readOnlyFileMapping(start, end uintptr) bool {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// 00400000-011e2000 r--p 00000000 fe:01 1234 /usr/local/bin/skiff
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		from, err1 := strconv.ParseUint(lo, 16, 64)
		to, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || start < uintptr(from) || start >= uintptr(to) {
			continue
		}
		perms, path := fields[1], fields[5]
		return end <= uintptr(to) && perms[1] != 'w' && strings.HasPrefix(path, "/")
	}
	return false
}

func unsafePointer(s string) unsafe.Pointer { return unsafe.Pointer(unsafe.StringData(s)) }
