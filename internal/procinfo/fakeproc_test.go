package procinfo

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// fakeProc builds a /proc with pids 10 and 11 in one PID namespace and
// 12 in another, and points procRoot at it for the test.
func fakeProc(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("stat", "cpu  100 5 50 1000 10 1 2 7 0 0\ncpu0 50 2 25 500 5 0 1 3 0 0\ncpu1 50 3 25 500 5 1 1 4 0 0\nintr 1\nbtime 1700000000\n")
	write("uptime", "1000.00 1500.00\n")
	write("nsA", "")
	write("nsB", "")
	// stat fields: utime stime cutime cstime are 14-17, threads 20, start 22.
	stat := func(pid, ppid int, comm string, utime, stime, cutime, cstime, threads int) string {
		return fmt.Sprintf("%d (%s) S %d %d %d 34816 %d 4194560 100 0 0 0 %d %d %d %d 20 0 %d 0 5000 1000000 100 18446744073709551615\n",
			pid, comm, ppid, pid, pid, pid, utime, stime, cutime, cstime, threads)
	}
	write("10/stat", stat(10, 1, "sh (x)", 100, 50, 10, 5, 1))
	write("10/statm", "1000 300 100 1 0 100 0\n")
	write("10/smaps_rollup", "00400000-7fff [rollup]\nRss:        1200 kB\nPss:         800 kB\n")
	write("10/io", "rchar: 1\nwchar: 2\nread_bytes: 4096\nwrite_bytes: 8192\n")
	write("10/net/dev", "Inter-|   Receive                                                |  Transmit\n"+
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"+
		"    lo:     999      9    0    0    0     0          0         0      999      9    0    0    0     0       0          0\n"+
		"  eth0:    1500     10    1    2    0     0          0         0      700      7    3    4    0     0       0          0\n")
	write("10/status", "Name:\tsh\nUid:\t0\t0\t0\t0\n")
	write("10/cmdline", "/bin/sh\x00-c\x00sleep 1\x00")
	write("11/stat", stat(11, 10, "sleep", 20, 10, 0, 0, 3))
	write("11/statm", "500 200 100 1 0 100 0\n")
	write("11/io", "read_bytes: 4\nwrite_bytes: 8\n")
	write("11/status", "Name:\tsleep\nUid:\t1000\t1234\t1000\t1000\n")
	write("11/cmdline", "")
	write("12/stat", stat(12, 1, "other", 1, 1, 0, 0, 1))
	for pid, ns := range map[string]string{"10": "nsA", "11": "nsA", "12": "nsB"} {
		if err := os.MkdirAll(filepath.Join(root, pid, "ns"), 0o755); err != nil {
			t.Fatal(err)
		}
		// Processes of one namespace share the inode, as nsfs links do.
		if err := os.Link(filepath.Join(root, ns), filepath.Join(root, pid, "ns/pid")); err != nil {
			t.Fatal(err)
		}
	}
	write("passwd", "root:x:0:0::/root:/bin/sh\nlongusername:x:1234:1234::/:/bin/sh\n")
	old, oldPasswd, oldMem := procRoot, passwdFile, memTotal
	procRoot, passwdFile = root, filepath.Join(root, "passwd")
	memTotal = func() uint64 { return 2048000 * 1024 }
	t.Cleanup(func() { procRoot, passwdFile, memTotal = old, oldPasswd, oldMem })
	return root
}
