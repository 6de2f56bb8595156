// Package procinfo reads a container's processes from /proc: which pids
// belong to it (by PID namespace), `docker top` and `docker stats`. It
// needs no cgroups, which a rootless engine often cannot delegate.
package procinfo

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// procRoot is where proc is mounted; tests point it at a fake tree.
var procRoot = "/proc"

// clockTicks is USER_HZ, the unit of /proc's CPU times. It is 100 on
// every Linux architecture Go supports.
const clockTicks = 100

func procPath(pid int, name string) string {
	return filepath.Join(procRoot, strconv.Itoa(pid), name)
}

// procStat is what this package uses of /proc/<pid>/stat.
type procStat struct {
	comm                         string
	state                        byte
	ppid                         int
	ttyNr                        int
	utime, stime, cutime, cstime uint64
	threads                      uint64
	startTime                    uint64 // clock ticks after boot
}

func readStat(pid int) (*procStat, error) {
	b, err := os.ReadFile(procPath(pid, "stat"))
	if err != nil {
		return nil, err
	}
	return parseStat(b)
}

var errBadStat = errors.New("malformed /proc/<pid>/stat")

// parseStat parses a stat line: "pid (comm) state ppid ...". comm may hold
// spaces and parentheses, so it ends at the last ')'.
func parseStat(b []byte) (*procStat, error) {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return nil, errBadStat
	}
	f := bytes.Fields(b[end+1:])
	// f[0] is field 3 (state); startTime is field 22.
	if len(f) < 20 || len(f[0]) != 1 {
		return nil, errBadStat
	}
	num := func(field int) (uint64, error) {
		v, err := strconv.ParseInt(string(f[field-3]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: field %d: %v", errBadStat, field, err)
		}
		return uint64(max(v, 0)), nil
	}
	st := &procStat{comm: string(b[open+1 : end]), state: f[0][0]}
	var ppid, tty uint64
	var err error
	for _, x := range []struct {
		field int
		dst   *uint64
	}{
		{4, &ppid}, {7, &tty}, {14, &st.utime}, {15, &st.stime}, {16, &st.cutime},
		{17, &st.cstime}, {20, &st.threads}, {22, &st.startTime},
	} {
		if *x.dst, err = num(x.field); err != nil {
			return nil, err
		}
	}
	st.ppid, st.ttyNr = int(ppid), int(tty)
	return st, nil
}
